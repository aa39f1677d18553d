namespace VoiceAgent.Providers.Anthropic;

/// <summary>
/// The Messages API stream sent an <c>error</c> event after the 200 (e.g. <c>overloaded_error</c>): the stream ends
/// there and the failure counts like the HTTP error of the same <c>error.type</c>.
/// </summary>
public sealed class AnthropicStreamException : Exception
{
    public AnthropicStreamException(string? errorType, string? errorMessage)
        : base($"Anthropic stream error {errorType ?? "(no type)"}" + (errorMessage is null ? "" : $": {errorMessage}"))
    {
        ErrorType = errorType;
    }

    public AnthropicStreamException() : this(errorType: null, errorMessage: null) { }

    public AnthropicStreamException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary><c>error.type</c> as sent, e.g. <c>overloaded_error</c>; null when the event had none.</summary>
    public string? ErrorType { get; }
}
