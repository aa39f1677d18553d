using System.Text.Json;

namespace VoiceAgent.Providers.Deepgram;

// Server → client JSON messages of /v1/listen, as far as the client reads them (unread fields such as
// words and metadata are skipped by the deserializer). Names map by the snake_case policy of DeepgramJsonContext.

/// <summary><c>{"type":"Results",...}</c>: a transcript for <c>start</c>..<c>start+duration</c> of the stream.</summary>
internal sealed class DeepgramResultsMessage
{
    public double Start { get; init; }
    public double Duration { get; init; }
    public bool IsFinal { get; init; }
    public bool SpeechFinal { get; init; }
    public bool FromFinalize { get; init; }
    public DeepgramResultsChannel? Channel { get; init; }
}

internal sealed class DeepgramResultsChannel
{
    public DeepgramAlternative[]? Alternatives { get; init; }
}

internal sealed class DeepgramAlternative
{
    public string? Transcript { get; init; }
    public double Confidence { get; init; }
}

/// <summary><c>{"type":"SpeechStarted","channel":[0,1],"timestamp":9.54}</c></summary>
internal sealed class DeepgramSpeechStartedMessage
{
    public double Timestamp { get; init; }
}

/// <summary><c>{"type":"UtteranceEnd","channel":[0,1],"last_word_end":2.395}</c></summary>
internal sealed class DeepgramUtteranceEndMessage
{
    public double LastWordEnd { get; init; }
}

/// <summary><c>{"type":"Metadata",...}</c>: sent at the end of the stream (and possibly at other times).</summary>
internal sealed class DeepgramMetadataMessage
{
    public string? RequestId { get; init; }
    public double Duration { get; init; }
}

/// <summary>
/// An in-band error. Its shape is not settled: the API spec describes <c>error_code</c>/<c>error_message</c>,
/// the .NET SDK <c>{"type":"Error","description","message","variant"}</c>, HTTP bodies use <c>err_code</c>/<c>err_msg</c>.
/// </summary>
internal sealed class DeepgramErrorMessage
{
    public string? Description { get; init; }
    public string? Message { get; init; }
    public string? Variant { get; init; }
    public JsonElement? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public string? ErrCode { get; init; }
    public string? ErrMsg { get; init; }
}
