using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace VoiceAgent.Tests.TestSupport;

/// <summary>
/// HTTP/1.1 over a bare socket, for tests that must control exactly which bytes reach the server (a header that
/// announces a body never sent, a body that keeps coming after the server has answered).
/// </summary>
internal static class RawHttpClient
{
    /// <summary>Sends <paramref name="head"/> (request line and headers), then streams <paramref name="body"/> until the server answers; returns the status code.</summary>
    public static async Task<int> SendAsync(Uri server, string head, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, cancellationToken);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + "\r\n"), cancellationToken);
        using var stopWriting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writing = WriteBodyAsync(stream, body, stopWriting.Token);
        var status = await ReadStatusAsync(stream, cancellationToken);
        await stopWriting.CancelAsync();
        await writing;
        return status;
    }

    /// <summary>Returns how many body bytes the server took before it answered or closed.</summary>
    private static async Task<int> WriteBodyAsync(NetworkStream stream, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        const int Slice = 8 * 1024;
        var offset = 0;
        try
        {
            for (; offset < body.Length && !ct.IsCancellationRequested; offset += Slice)
                await stream.WriteAsync(body.Slice(offset, Math.Min(Slice, body.Length - offset)), ct);
            return offset;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
        {
            return offset; // the server answered and closed while the body was still coming: exactly what a cap does
        }
    }

    private static async Task<int> ReadStatusAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[256];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), ct);
            if (read == 0) break;
            filled += read;
            var text = Encoding.ASCII.GetString(buffer, 0, filled);
            var lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (lineEnd > 0) return int.Parse(text.Split(' ')[1], CultureInfo.InvariantCulture);
        }
        throw new IOException($"no status line from the server (got {filled} bytes)");
    }
}
