using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VoiceAgent.Providers.Resilience;

/// <summary>
/// Answers the start-up warm-up's model requests over a real loopback HTTP/1.1 connection with
/// <see cref="ModelWarmupHandler.CannedStream"/>, sent as a chunked <c>text/event-stream</c> one event per chunk (the
/// way the providers stream), so the first caller's turn finds the socket handler's request writing and streamed
/// response reading compiled. It reads each whole request (Content-Length or chunked body) before answering, serves
/// one request per connection and closes it. Listens on 127.0.0.1 only, for the warm-up's lifetime.
/// </summary>
internal sealed class CannedReplyServer : IAsyncDisposable
{
    private const int MaxHeadBytes = 64 * 1024;
    private const int MaxBodyBytes = 4 * 1024 * 1024;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, bool> _serving = new();
    private readonly string _provider;
    private readonly Task _accepting;
    private int _served;

    public CannedReplyServer(string provider)
    {
        _provider = provider;
        _listener.Start();
        Origin = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync(_stop.Token);
    }

    public Uri Origin { get; }

    /// <summary>Requests answered with the canned reply.</summary>
    public int Served => Volatile.Read(ref _served);

    /// <summary>The header lines of the last request answered (what reached the loopback server).</summary>
    public IReadOnlyList<string> LastRequestHeaders { get; private set; } = [];

    private async Task AcceptAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(stop);
                var serving = ServeAsync(client, stop);
                _serving[serving] = true;
                _ = serving.ContinueWith(t => _serving.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stop)
    {
        using var _ = client;
        var stream = client.GetStream();
        try
        {
            var reader = new RequestReader(stream);
            var head = await reader.ReadHeadAsync(stop);
            await reader.SkipBodyAsync(head, stop);
            LastRequestHeaders = head;
            var header = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(header, stop);
            foreach (var sseEvent in ModelWarmupHandler.CannedStream(_provider).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
            {
                var data = Encoding.UTF8.GetBytes(sseEvent + "\n\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), stop);
                await stream.WriteAsync(data, stop);
                await stream.WriteAsync("\r\n"u8.ToArray(), stop);
                await stream.FlushAsync(stop);
            }
            Interlocked.Increment(ref _served); // before the last chunk: the client cannot have finished reading before this
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), stop);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or InvalidDataException)
        {
            // A warm-up request cut short: the warm-up reports its own failure; nothing else uses this server.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_serving.Keys).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    /// <summary>Reads one HTTP/1.1 request off the stream, bounded in size.</summary>
    private sealed class RequestReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[8192];
        private int _start;
        private int _end;

        public async Task<List<string>> ReadHeadAsync(CancellationToken cancellationToken)
        {
            var lines = new List<string>();
            var total = 0;
            while (true)
            {
                var line = await ReadLineAsync(cancellationToken);
                total += line.Length + 2;
                if (total > MaxHeadBytes) throw new InvalidDataException("request head too large");
                if (line.Length == 0) return lines.Count > 0 ? lines : throw new InvalidDataException("empty request");
                lines.Add(line);
            }
        }

        public async Task SkipBodyAsync(List<string> head, CancellationToken cancellationToken)
        {
            string? Header(string name) => head.Skip(1).Select(h => h.Split(':', 2)).FirstOrDefault(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))?[1].Trim();
            if (Header("Transfer-Encoding") is { } encoding && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                var total = 0L;
                while (true)
                {
                    var sizeLine = (await ReadLineAsync(cancellationToken)).Split(';')[0].Trim();
                    if (!long.TryParse(sizeLine, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size < 0) throw new InvalidDataException("bad chunk size");
                    total += size;
                    if (total > MaxBodyBytes) throw new InvalidDataException("request body too large");
                    if (size == 0)
                    {
                        while ((await ReadLineAsync(cancellationToken)).Length > 0) { } // trailers, then the empty line
                        return;
                    }
                    await SkipAsync(size + 2, cancellationToken); // the chunk and its CRLF
                }
            }
            if (Header("Content-Length") is { } length)
            {
                if (!long.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) || bytes > MaxBodyBytes) throw new InvalidDataException("bad Content-Length");
                await SkipAsync(bytes, cancellationToken);
            }
        }

        private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new StringBuilder();
            while (true)
            {
                if (_start == _end) await FillAsync(cancellationToken);
                var b = _buffer[_start++];
                if (b == (byte)'\n') return line.ToString().TrimEnd('\r');
                if (line.Length >= MaxHeadBytes) throw new InvalidDataException("line too long");
                line.Append((char)b);
            }
        }

        private async Task SkipAsync(long count, CancellationToken cancellationToken)
        {
            while (count > 0)
            {
                if (_start == _end) await FillAsync(cancellationToken);
                var take = (int)Math.Min(count, _end - _start);
                _start += take;
                count -= take;
            }
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            _start = 0;
            _end = await stream.ReadAsync(_buffer, cancellationToken);
            if (_end == 0) throw new IOException("the connection closed mid-request");
        }
    }
}
