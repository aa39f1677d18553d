namespace VoiceAgent.Providers.Deepgram;

/// <summary>What the caller asked the session to send, in order: audio or a control message.</summary>
internal enum OutboundKind
{
    Audio,
    KeepAlive,
    Finalize,
    Close,
}

/// <summary>An item of the session's outbound queue. Audio owns a buffer rented from the shared array pool.</summary>
internal readonly record struct OutboundFrame(OutboundKind Kind, byte[]? Buffer = null, int Length = 0)
{
    public static OutboundFrame KeepAlive => new(OutboundKind.KeepAlive);
    public static OutboundFrame Finalize => new(OutboundKind.Finalize);
    public static OutboundFrame Close => new(OutboundKind.Close);
}
