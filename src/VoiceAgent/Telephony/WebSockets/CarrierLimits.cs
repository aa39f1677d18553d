namespace VoiceAgent.Telephony.WebSockets;

/// <summary>
/// How long a carrier socket may take to start, stay silent, refuse our output, and last. Validated with the
/// rest of the settings at start-up (see <c>VoiceAgentSettings.Validate</c>).
/// </summary>
internal sealed record CarrierLimits
{
    /// <summary>No opening message (setup, connected/start, Vonage's first message) by then: the socket is closed.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Media transports only: no frame at all for this long means the call is gone (media flows every 20 ms).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// One write to the carrier pending this long, or the call's output budget full this long (the peer stopped
    /// reading): the call is ended.
    /// </summary>
    public TimeSpan SendStallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest call; it is then ended politely (goodbye line, then the carrier's end).</summary>
    public TimeSpan MaxCallLength { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Bytes of output one call may hold queued for its carrier before the sender (and so the model or TTS stream)
    /// waits. Beyond it only the socket's own buffers (Kestrel's pipe, the kernel's send buffer) hold data.
    /// </summary>
    public int OutputBudgetBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// When a carrier socket's read loop ends (deadline, close, stall), how long the engine may take to handle the
    /// <c>CallEnded</c> already in its mailbox (hang-up, state flushed as ended, provider sockets closed) before the call
    /// is cancelled. Not tied to <see cref="SendStallTimeout"/>: a short stall bound must not cut a normal end short.
    /// </summary>
    public TimeSpan WindDownGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Frames queued for one carrier socket before the sender (and so the model stream) waits.</summary>
    public int OutboundQueueFrames { get; init; } = 64;
}
