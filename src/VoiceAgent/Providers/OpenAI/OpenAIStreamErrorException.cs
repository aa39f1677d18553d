namespace VoiceAgent.Providers.OpenAI;

/// <summary>
/// An OpenAI(-compatible) server sent an <c>{"error":{…}}</c> object inside a stream that had already started
/// with HTTP 200. The SDK would skip it silently; the adapter surfaces it so the turn can fail over.
/// </summary>
public sealed class OpenAIStreamErrorException : Exception
{
    public OpenAIStreamErrorException() : this("The model stream reported an error.") { }

    public OpenAIStreamErrorException(string message) : base(message) { }

    public OpenAIStreamErrorException(string message, Exception innerException) : base(message, innerException) { }

    public OpenAIStreamErrorException(string message, string? errorType, string? errorCode) : base(message)
    {
        ErrorType = errorType;
        ErrorCode = errorCode;
    }

    /// <summary>The error object's <c>type</c> (e.g. <c>server_error</c>).</summary>
    public string? ErrorType { get; }

    /// <summary>The error object's <c>code</c> (e.g. <c>rate_limit_exceeded</c>).</summary>
    public string? ErrorCode { get; }
}
