using System.Net.WebSockets;
using VoiceAgent.Emulators.Audio;

namespace VoiceAgent.Emulators.Twilio.MediaStreams;

/// <summary>
/// One item of <see cref="MediaStreamsCaller"/>'s outbox. Only the send loop writes to the socket, so
/// sequence numbers and chunk counters are assigned in wire order.
/// </summary>
internal sealed record MediaStreamsOutgoing(MediaStreamsOutgoing.Kinds Kind)
{
    internal enum Kinds { Media, Dtmf, Mark, Stop, Raw, Close }

    /// <summary>Caller audio (<see cref="Kinds.Media"/>) or raw bytes (<see cref="Kinds.Raw"/>).</summary>
    public ReadOnlyMemory<byte> Bytes { get; init; }

    /// <summary>Line frame index of a media frame (its timestamp is <c>(index + 1) × 20</c> ms).</summary>
    public long FrameIndex { get; init; }

    /// <summary>The DTMF digit or the mark name.</summary>
    public string? Text { get; init; }

    public WebSocketMessageType RawType { get; init; } = WebSocketMessageType.Text;

    /// <summary>The utterance this media frame finishes.</summary>
    public CallerUtterance? Finished { get; init; }

    /// <summary>Completed once the item is on the wire; cancelled if the socket is gone first.</summary>
    public TaskCompletionSource? Sent { get; init; }
}
