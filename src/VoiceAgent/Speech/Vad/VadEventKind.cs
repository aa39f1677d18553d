namespace VoiceAgent.Speech.Vad;

/// <summary>What a frame of audio changed about the caller's speech.</summary>
public enum VadEventKind
{
    /// <summary>Nothing changed.</summary>
    None,

    /// <summary>The caller started speaking (after the minimum speech duration).</summary>
    SpeechStarted,

    /// <summary>The caller stopped speaking (after the hang-over).</summary>
    SpeechEnded,
}
