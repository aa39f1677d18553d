using System.Net.WebSockets;
using VoiceAgent.Conversation;
using VoiceAgent.Telephony.WebSockets;

namespace VoiceAgent.Telephony.ConversationRelay;

/// <summary>
/// The engine's transport for a ConversationRelay socket: one JSON text frame per command, queued on the
/// socket's one bounded writer. A full queue (Twilio not reading) makes the turn wait here, which stops it
/// reading the model stream.
/// </summary>
internal sealed class RelayTransport(CarrierSocketWriter writer) : ICallTransport, IDisposable
{
    private readonly RelayFrameWriter _encoder = new();
    private readonly SemaphoreSlim _encoding = new(1, 1);

    /// <summary>ConversationRelay has a frame for each: <c>language</c>, <c>sendDigits</c>, <c>play</c>.</summary>
    public CallCapabilities Capabilities => CallCapabilities.SwitchLanguage | CallCapabilities.SendDigits | CallCapabilities.PlayAudio;

    public async ValueTask SendAsync(TransportCommand command, CancellationToken cancellationToken)
    {
        await _encoding.WaitAsync(cancellationToken);
        try
        {
            // Encoded into a rented array the writer takes over (returned once written): no copy, no buffer kept per call.
            var (frame, length) = _encoder.Encode(command);
            await writer.SendRentedAsync(frame, length, WebSocketMessageType.Text, cancellationToken);
        }
        finally { _encoding.Release(); }
    }

    public void Dispose()
    {
        _encoder.Dispose();
        _encoding.Dispose();
    }
}
