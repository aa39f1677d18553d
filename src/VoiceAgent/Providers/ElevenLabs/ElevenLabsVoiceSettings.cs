namespace VoiceAgent.Providers.ElevenLabs;

/// <summary>
/// Voice settings sent once, in the stream's first (BOS) message. Ranges follow the stream-input spec.
/// </summary>
/// <remarks>
/// Defaults are the spec's except <see cref="UseSpeakerBoost"/>: ElevenLabs documents speaker boost as
/// costing extra compute and latency, and on an 8 kHz phone line its clarity gain is mostly lost, so it
/// is off by default. <see cref="Style"/> stays 0 for the same reason (non-zero style costs latency).
/// </remarks>
public sealed record ElevenLabsVoiceSettings
{
    /// <summary>0–1. Higher is more consistent and less expressive. Spec default 0.5.</summary>
    public double Stability { get; init; } = 0.5;

    /// <summary>0–1. How closely the output tracks the original voice. Spec default 0.75.</summary>
    public double SimilarityBoost { get; init; } = 0.75;

    /// <summary>0–1. Style exaggeration; anything above 0 costs latency. Default 0.</summary>
    public double Style { get; init; }

    /// <summary>Speaker similarity boost; costs latency. Default false (the spec's default is true).</summary>
    public bool UseSpeakerBoost { get; init; }

    /// <summary>0.7–1.2 speaking rate. Default 1.0.</summary>
    public double Speed { get; init; } = 1.0;
}
