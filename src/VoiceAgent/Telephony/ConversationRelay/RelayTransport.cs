using System.Net.WebSockets;
using VoiceAgent.Conversation;

namespace VoiceAgent.Telephony.ConversationRelay;

/// <summary>The engine's transport for a ConversationRelay socket: one JSON text frame per command.</summary>
internal sealed class RelayTransport(WebSocket socket) : ICallTransport, IDisposable
{
    private readonly RelayFrameWriter _writer = new();

    /// <summary>ConversationRelay has a frame for each: <c>language</c>, <c>sendDigits</c>, <c>play</c>.</summary>
    public CallCapabilities Capabilities => CallCapabilities.SwitchLanguage | CallCapabilities.SendDigits | CallCapabilities.PlayAudio;

    public async ValueTask SendAsync(TransportCommand command, CancellationToken cancellationToken)
    {
        var frame = _writer.Encode(command);
        await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
    }

    public void Dispose() => _writer.Dispose();
}
