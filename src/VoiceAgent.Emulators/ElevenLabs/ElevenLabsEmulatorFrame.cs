namespace VoiceAgent.Emulators.ElevenLabs;

/// <summary>One client frame as the emulator received it.</summary>
/// <param name="Index">0-based order on the connection.</param>
/// <param name="Json">The raw frame text.</param>
/// <param name="ReceivedAt">Receive time as a <see cref="TimeProvider.GetTimestamp"/> value of the emulator's clock.</param>
/// <param name="SinceConnected">Receive time relative to the WebSocket accept.</param>
public sealed record ElevenLabsEmulatorFrame(
    int Index,
    ElevenLabsEmulatorFrameKind Kind,
    string? Text,
    bool Flush,
    bool TryTriggerGeneration,
    string Json,
    long ReceivedAt,
    TimeSpan SinceConnected);
