using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using VoiceAgent.Speech.Pipeline;

namespace VoiceAgent.Telephony.Vonage;

/// <summary>
/// Writes to a Vonage WebSocket leg: binary 640-byte PCM16 frames, <c>{"action":"notify"}</c> as the playback
/// marker (Vonage echoes it once the audio before it has played), <c>{"action":"clear"}</c> for barge-in.
/// </summary>
internal sealed class VonageAudioTransport(WebSocket socket) : IAudioTransport, IDisposable
{
    private static readonly byte[] Clear = Encoding.UTF8.GetBytes("""{"action":"clear"}""");
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    public AudioFormat Format => AudioFormat.Pcm16k;

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
        => SendAsync(frame, WebSocketMessageType.Binary, cancellationToken);

    public ValueTask SendMarkAsync(string name, CancellationToken cancellationToken)
    {
        var json = Encoding.UTF8.GetBytes("{\"action\":\"notify\",\"payload\":{\"mark\":" + JsonSerializer.Serialize(name, VonageJsonContext.Default.String) + "}}");
        return SendAsync(json, WebSocketMessageType.Text, cancellationToken);
    }

    public ValueTask ClearAsync(CancellationToken cancellationToken) => SendAsync(Clear, WebSocketMessageType.Text, cancellationToken);

    /// <summary>Closing the leg hands the call back to the NCCO (its eventUrl may return a transfer NCCO).</summary>
    public async ValueTask HangUpAsync(string? handoffData, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (socket.State == WebSocketState.Open)
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "agent ended the call", cancellationToken);
        }
        finally { _sendLock.Release(); }
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (socket.State == WebSocketState.Open) await socket.SendAsync(payload, type, endOfMessage: true, cancellationToken);
        }
        finally { _sendLock.Release(); }
    }

    public void Dispose() => _sendLock.Dispose();
}
