using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Telephony.Vonage.Transfer;
using VoiceAgent.Telephony.WebSockets;

namespace VoiceAgent.Telephony.Vonage;

/// <summary>
/// Writes to a Vonage WebSocket leg: binary 640-byte PCM16 frames, <c>{"action":"notify"}</c> as the playback
/// marker (Vonage echoes it once the audio before it has played), <c>{"action":"clear"}</c> for barge-in. Every frame
/// goes through the socket's one bounded writer; <c>clear</c> also drops audio still queued on our side.
/// </summary>
internal sealed class VonageAudioTransport(CarrierSocketWriter writer, VonageWarmTransfer transfer, string callUuid, string? dialledNumber) : IAudioTransport
{
    private static readonly byte[] Clear = Encoding.UTF8.GetBytes("""{"action":"clear"}""");

    public AudioFormat Format => AudioFormat.Pcm16k;

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
        => writer.SendAsync(frame, WebSocketMessageType.Binary, cancellationToken, droppable: true);

    public ValueTask SendMarkAsync(string name, CancellationToken cancellationToken)
    {
        var json = Encoding.UTF8.GetBytes("{\"action\":\"notify\",\"payload\":{\"mark\":" + JsonSerializer.Serialize(name, VonageJsonContext.Default.String) + "}}");
        return writer.SendAsync(json, WebSocketMessageType.Text, cancellationToken);
    }

    public ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        writer.DropQueuedAudio();
        return writer.SendAsync(Clear, WebSocketMessageType.Text, cancellationToken);
    }

    /// <summary>
    /// A hand-off to a person first moves the caller's leg into the warm transfer over REST; either way the AI then leaves:
    /// closing the socket ends the WebSocket leg (without a transfer, the call's NCCO is done and the call ends).
    /// </summary>
    public async ValueTask HangUpAsync(string? handoffData, CancellationToken cancellationToken)
    {
        var moved = await transfer.TryTransferAsync(callUuid, dialledNumber, handoffData, cancellationToken);
        await writer.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, moved ? "handed to a person" : "agent ended the call", cancellationToken);
    }
}
