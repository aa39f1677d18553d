using System.Net.WebSockets;
using VoiceAgent.Emulators.Audio;

namespace VoiceAgent.Emulators.Vonage;

/// <summary>One item of <see cref="VonageCaller"/>'s outbox: the bytes of one message, sent in order by the send loop.</summary>
/// <param name="Bytes">The message (JSON text or PCM audio); ignored for a close.</param>
/// <param name="Type">Text, binary, or <see cref="WebSocketMessageType.Close"/> to close the socket.</param>
internal sealed record VonageOutgoing(ReadOnlyMemory<byte> Bytes, WebSocketMessageType Type)
{
    /// <summary>The utterance this audio frame finishes.</summary>
    public CallerUtterance? Finished { get; init; }

    /// <summary>Completed once the message is on the wire; cancelled if the socket is gone first.</summary>
    public TaskCompletionSource? Sent { get; init; }
}
