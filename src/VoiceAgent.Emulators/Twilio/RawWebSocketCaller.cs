using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
namespace VoiceAgent.Emulators.Twilio;

/// <summary>
/// A Twilio-signed WebSocket client on a bare TCP socket that does only what it is told (tests, the bench): it never answers a ping and reads
/// nothing unless asked, like a carrier whose process hung or whose network went away. The socket's receive buffer
/// is small, so a peer that does not read fills quickly.
/// </summary>
public sealed class RawWebSocketCaller : IAsyncDisposable
{
    private readonly NetworkStream _stream;

    private RawWebSocketCaller(Socket socket) => _stream = new NetworkStream(socket, ownsSocket: true);

    /// <summary>Connects and completes a Twilio-signed upgrade of <paramref name="path"/>; throws unless the server answers 101.</summary>
    public static async Task<RawWebSocketCaller> ConnectAsync(Uri server, string path, string signedWssUrl, string authToken, CancellationToken ct)
    {
        // The option must be set on the very socket that connects (a TcpClient may replace its socket on connect).
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(System.Net.IPAddress.Parse(server.Host), server.Port, ct);
        var client = new RawWebSocketCaller(socket);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var signature = new TwilioRequestSigner(authToken).SignWebSocketUpgrade(signedWssUrl);
        var head = $"GET {path} HTTP/1.1\r\nHost: {server.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{TwilioRequestSigner.HeaderName}: {signature}\r\n\r\n";
        await client._stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct);
        var response = await client.ReadHeadAsync(ct);
        if (!response.StartsWith("HTTP/1.1 101", StringComparison.Ordinal)) throw new IOException("upgrade refused: " + response.Split('\r')[0]);
        return client;
    }

    /// <summary>Sends one masked text frame, as a client must.</summary>
    public Task SendTextAsync(string text, CancellationToken ct) => SendFrameAsync(0x81, Encoding.UTF8.GetBytes(text), ct);

    /// <summary>Sends one masked binary frame (e.g. a Vonage audio message), as a client must.</summary>
    public Task SendBinaryAsync(byte[] payload, CancellationToken ct) => SendFrameAsync(0x82, payload, ct);

    private async Task SendFrameAsync(byte opcode, byte[] payload, CancellationToken ct)
    {
        if (payload.Length > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(payload), "frames over 64 KiB are not supported by this client");
        using var frame = new MemoryStream();
        frame.WriteByte(opcode);
        if (payload.Length < 126) frame.WriteByte((byte)(0x80 | payload.Length));
        else { frame.WriteByte(0x80 | 126); frame.WriteByte((byte)(payload.Length >> 8)); frame.WriteByte((byte)payload.Length); }
        var mask = RandomNumberGenerator.GetBytes(4);
        frame.Write(mask);
        for (var i = 0; i < payload.Length; i++) frame.WriteByte((byte)(payload[i] ^ mask[i % 4]));
        await _stream.WriteAsync(frame.ToArray(), ct);
    }

    /// <summary>Reads and discards whatever the server sends (never answering pings) until it closes the connection; returns the bytes read.</summary>
    public async Task<long> DrainUntilClosedAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        try
        {
            int read;
            while ((read = await _stream.ReadAsync(buffer, ct)) > 0) total += read;
        }
        catch (IOException)
        {
            return total; // reset by the server: closed just the same
        }
        return total;
    }

    private async Task<string> ReadHeadAsync(CancellationToken ct)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && head.Length < 8192)
        {
            if (await _stream.ReadAsync(one, ct) == 0) break;
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
