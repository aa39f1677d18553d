namespace VoiceAgent.Speech.Vad;

/// <summary>
/// A voice-activity transition in audio time (the position in the inbound stream, from its first frame).
/// </summary>
/// <param name="Kind">What happened; <see cref="VadEventKind.None"/> for most frames.</param>
/// <param name="Timestamp">When it happened in the audio: the first speech frame for a start, the end of the last speech frame for an end.</param>
/// <param name="DetectedAt">The end of the frame that confirmed it; <c>DetectedAt − Timestamp</c> is the detection latency.</param>
public readonly record struct VadEvent(VadEventKind Kind, TimeSpan Timestamp, TimeSpan DetectedAt)
{
    /// <summary>No transition.</summary>
    public static VadEvent None => default;

    /// <summary>True for <see cref="VadEventKind.SpeechStarted"/> and <see cref="VadEventKind.SpeechEnded"/>.</summary>
    public bool HasValue => Kind != VadEventKind.None;
}
