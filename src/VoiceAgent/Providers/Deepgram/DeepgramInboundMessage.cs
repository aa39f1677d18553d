using VoiceAgent.Speech;

namespace VoiceAgent.Providers.Deepgram;

/// <summary>What kind of server message a text frame was.</summary>
internal enum DeepgramInboundKind
{
    Results,
    SpeechStarted,
    UtteranceEnd,
    Metadata,
    Error,
    Unknown,
}

/// <summary>
/// One parsed server message. <see cref="Event"/> is what the session reports (null when there is nothing
/// to report, e.g. an empty interim transcript); <see cref="FinalizedThroughSeconds"/> is the end of the
/// stream range a final result settled (connection stream time), <see cref="Detail"/> the unknown type
/// name, the Metadata request id or the error text.
/// </summary>
internal readonly record struct DeepgramInboundMessage(
    DeepgramInboundKind Kind,
    SpeechEvent? Event,
    double? FinalizedThroughSeconds = null,
    string? Detail = null);
