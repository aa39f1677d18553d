namespace VoiceAgent.Providers.Deepgram;

/// <summary>
/// The WebSocket upgrade to Deepgram failed. <see cref="StatusCode"/> is the HTTP status (0 when no
/// response arrived), <see cref="ServerError"/> Deepgram's <c>dg-error</c> header, and <see cref="Retryable"/>
/// tells whether trying again can help (timeouts, network errors, 408, 429 and 5xx).
/// </summary>
public sealed class DeepgramConnectionException : Exception
{
    public DeepgramConnectionException() : this("Could not connect to Deepgram.") { }

    public DeepgramConnectionException(string message) : this(message, null) { }

    public DeepgramConnectionException(string message, Exception? innerException)
        : this(message, statusCode: 0, serverError: null, retryable: true, innerException) { }

    public DeepgramConnectionException(string message, int statusCode, string? serverError, bool retryable, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ServerError = serverError;
        Retryable = retryable;
    }

    /// <summary>HTTP status of the rejected upgrade; 0 when the server never answered.</summary>
    public int StatusCode { get; }

    /// <summary>The <c>dg-error</c> response header, when present.</summary>
    public string? ServerError { get; }

    /// <summary>Whether another attempt may succeed.</summary>
    public bool Retryable { get; }

    /// <summary>Network failures, timeouts, 408, 429 and 5xx are worth retrying; other 4xx (bad key, bad parameters) are not.</summary>
    internal static bool IsRetryableStatus(int statusCode) => statusCode is 0 or 408 or 429 or >= 500;
}
