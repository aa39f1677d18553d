using System.Net.WebSockets;
using System.Text;
using VoiceAgent.Telephony.WebSockets;

namespace VoiceAgent.Tests.TestSupport;

/// <summary>
/// A <see cref="CarrierSocketWriter"/> under test and what it writes through: a server-side WebSocket over a
/// <see cref="PeerStream"/>, the socket's <see cref="CarrierWatch"/> (idle not watched) and a manual clock. The test
/// disposes <see cref="Writer"/> itself (when it does is part of what it checks); disposing the rig disposes the
/// watch and the socket.
/// </summary>
internal sealed class CarrierWriterRig : IDisposable
{
    private CarrierWriterRig(PeerStream peer, CarrierLimits limits, bool inlineWrites, bool started)
    {
        Peer = peer;
        Socket = WebSocket.CreateFromStream(peer, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan });
        Watch = new CarrierWatch(limits, Clock, watchIdle: false);
        if (started) Watch.Started();
        Writer = new CarrierSocketWriter(Socket, Watch, Clock, inlineWrites: inlineWrites);
    }

    /// <param name="peer">The far end (<see cref="PeerStream.Reading"/> or <see cref="PeerStream.Stuck"/>).</param>
    /// <param name="started">Whether the watch is told the call started (its send-stall limit runs from then) before the writer exists.</param>
    public static CarrierWriterRig Create(PeerStream peer, CarrierLimits limits, bool inlineWrites = false, bool started = false)
        => new(peer, limits, inlineWrites, started);

    public ManualTimeProvider Clock { get; } = new();
    public PeerStream Peer { get; }
    public WebSocket Socket { get; }
    public CarrierWatch Watch { get; }
    public CarrierSocketWriter Writer { get; }

    /// <summary>Sends <paramref name="text"/> as one text frame through the writer.</summary>
    public ValueTask SendAsync(string text, bool droppable = false)
        => Writer.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, CancellationToken.None, droppable: droppable);

    public void Dispose()
    {
        Watch.Dispose();
        Socket.Dispose();
    }
}
