namespace VoiceAgent.Emulators.ElevenLabs;

/// <summary>Settings the BOS message carried (null where absent).</summary>
public sealed record ElevenLabsEmulatorBeginSettings(
    double? Stability,
    double? SimilarityBoost,
    double? Style,
    bool? UseSpeakerBoost,
    double? Speed,
    IReadOnlyList<int>? ChunkLengthSchedule,
    string? ApiKeyField);
