namespace VoiceAgent.Providers.Anthropic;

/// <summary>
/// The Messages API answered with an HTTP error (protocols/anthropic-messages-streaming.md §3): the status, and the
/// <c>error.type</c>, <c>error.message</c> and <c>request_id</c> of its documented error body when it had one.
/// </summary>
public sealed class AnthropicApiException : HttpRequestException
{
    public AnthropicApiException(int statusCode, string? errorType, string? errorMessage, string? requestId, TimeSpan? retryAfter)
        : base(Describe(statusCode, errorType, errorMessage, requestId), inner: null, (System.Net.HttpStatusCode)statusCode)
    {
        Status = statusCode;
        ErrorType = errorType;
        RequestId = requestId;
        RetryAfter = retryAfter;
    }

    public AnthropicApiException() : this(0, null, null, null, null) { }

    public AnthropicApiException(string message) : base(message) { }

    public AnthropicApiException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The HTTP status code (529 included, which <see cref="System.Net.HttpStatusCode"/> does not name).</summary>
    public int Status { get; }

    /// <summary><c>error.type</c>, e.g. <c>rate_limit_error</c>; null when the body was not the documented shape.</summary>
    public string? ErrorType { get; }

    /// <summary>The <c>request-id</c> header or the body's <c>request_id</c>, for Anthropic support.</summary>
    public string? RequestId { get; }

    /// <summary>The server's hint when to try again (<c>retry-after-ms</c> or <c>retry-after</c>).</summary>
    public TimeSpan? RetryAfter { get; }

    private static string Describe(int status, string? type, string? message, string? requestId)
        => $"Anthropic Messages API returned HTTP {status}" + (type is null ? "" : $" {type}") + (message is null ? "" : $": {message}")
            + (requestId is null ? "" : $" (request {requestId})");
}
