namespace VoiceAgent.Emulators.ChatScript;

/// <summary>Per-emulator settings of an emulated model endpoint.</summary>
public sealed record ChatEmulatorOptions
{
    /// <summary>The API key clients must present; null accepts any non-empty key.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Default delay before the first content delta of a reply.</summary>
    public TimeSpan FirstTokenDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Default delay between content deltas.</summary>
    public TimeSpan InterTokenDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>What requests with nothing scripted get; null is <see cref="ChatReply.Default"/>.</summary>
    public ChatReply? DefaultReply { get; init; }

    /// <summary>Sees accepted requests and sent text deltas with their timestamps (load generators); null for none.</summary>
    public IChatStreamObserver? Observer { get; init; }

    /// <summary>Clock for the latency delays.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
