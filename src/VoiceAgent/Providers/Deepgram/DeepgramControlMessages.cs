namespace VoiceAgent.Providers.Deepgram;

/// <summary>The client's JSON control messages, sent as text frames. Fixed bytes: nothing to serialise.</summary>
internal static class DeepgramControlMessages
{
    public static ReadOnlyMemory<byte> KeepAlive { get; } = """{"type":"KeepAlive"}"""u8.ToArray();
    public static ReadOnlyMemory<byte> Finalize { get; } = """{"type":"Finalize"}"""u8.ToArray();
    public static ReadOnlyMemory<byte> CloseStream { get; } = """{"type":"CloseStream"}"""u8.ToArray();
}
