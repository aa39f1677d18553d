namespace VoiceAgent.Emulators.ElevenLabs;

/// <summary>
/// How the ElevenLabs emulator behaves for connections opened from now on: the key it accepts, its
/// latency, and the faults it injects. Swap <see cref="ElevenLabsEmulator.Behavior"/> between tests or calls.
/// </summary>
public sealed record ElevenLabsEmulatorBehavior
{
    /// <summary>The only API key accepted (header <c>xi-api-key</c>, or <c>xi_api_key</c>/<c>xi-api-key</c> in the BOS).</summary>
    public string ApiKey { get; init; } = "test-key";

    /// <summary>Wait before the stream's first audio message (models time to first byte). Default none.</summary>
    public TimeSpan FirstAudioDelay { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Generation time per second of audio: each audio message is sent after <c>its duration × factor</c>.
    /// 0 (default) generates instantly; 0.1 is ten times faster than real time; 1 is real time.
    /// </summary>
    public double RealTimeFactor { get; init; }

    /// <summary>Audio per message, rounded to whole characters of <see cref="ElevenLabsEmulator.MillisecondsPerCharacter"/>. Default 260 ms (4 characters).</summary>
    public TimeSpan AudioMessageDuration { get; init; } = TimeSpan.FromMilliseconds(260);

    /// <summary>Fault: answer the upgrade with this HTTP status (e.g. 401) instead of accepting the WebSocket.</summary>
    public int? RejectUpgradeWithStatus { get; init; }

    /// <summary>Fault: abort the TCP connection (no close frame) once this many audio messages were sent; 0 = right after the BOS.</summary>
    public int? DropConnectionAfterAudioMessages { get; init; }

    /// <summary>Fault: send an error frame and close 1008 once this many audio messages were sent; 0 = right after the BOS.</summary>
    public int? ErrorAfterAudioMessages { get; init; }

    /// <summary>The injected error frame's <c>error</c> value.</summary>
    public string ErrorCode { get; init; } = "max_active_conversations";

    /// <summary>The injected error frame's <c>message</c> value.</summary>
    public string ErrorMessage { get; init; } =
        "Maximum simultaneous contexts per WebSocket connection exceeded (5). Please close an existing context before opening a new one.";

    /// <summary>Spell the final flag <c>is_final</c> (as in the spec's x-fern example) instead of <c>isFinal</c>.</summary>
    public bool SnakeCaseFinalFlag { get; init; }
}
