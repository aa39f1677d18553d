using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.AI;
using VoiceAgent.Providers.Anthropic;
using VoiceAgent.Providers.OpenAI;
using VoiceAgent.Providers.Resilience;
using VoiceAgent.Server;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Resilience;

/// <summary>No cold start: the model connection is open and the streaming path compiled before the first call.</summary>
public sealed class ModelWarmupTests
{
    [Theory]
    [InlineData("anthropic")]
    [InlineData("openai")]
    public async Task TheCannedWarmupReplyStreamsThroughTheProvidersSdkWithoutTheNetwork(string provider)
    {
        var warmup = new ModelWarmupHandler(provider);
        // Port 1 on loopback refuses connections: any request that left the process would fail.
        var unreachable = new Uri("http://127.0.0.1:1");
        using var client = provider == "openai"
            ? OpenAIChatClientFactory.Create(new OpenAIModelOptions { ApiKey = "k", BaseUrl = new Uri(unreachable, "/v1"), MaxRetries = 0 }, warmup)
            : AnthropicChatClientFactory.Create(new AnthropicModelOptions { ApiKey = "k", BaseUrl = unreachable, MaxRetries = 0 }, warmup);

        var text = new StringBuilder();
        using (warmup.BeginCannedReplies())
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "warm-up")]).WithCancellation(CancellationToken.None))
                text.Append(update.Text);
        }

        Assert.Equal("Warm up.", text.ToString());
    }

    [Theory]
    [InlineData("anthropic")]
    [InlineData("openai")]
    public async Task With_a_loopback_server_the_canned_reply_comes_over_a_real_connection_and_the_providers_key_stays_home(string provider)
    {
        await using var loopback = await CannedReplyServer.StartAsync(provider, http2: false, CancellationToken.None).DefaultTimeout();
        var warmup = new ModelWarmupHandler(provider);
        // Port 1 on loopback refuses connections: a request to the provider's origin would fail.
        var unreachable = new Uri("http://127.0.0.1:1");
        using var client = provider == "openai"
            ? OpenAIChatClientFactory.Create(new OpenAIModelOptions { ApiKey = "secret-key", BaseUrl = new Uri(unreachable, "/v1"), MaxRetries = 0 }, warmup)
            : AnthropicChatClientFactory.Create(new AnthropicModelOptions { ApiKey = "secret-key", BaseUrl = unreachable, MaxRetries = 0 }, warmup);

        var text = new StringBuilder();
        using (warmup.BeginCannedReplies(loopback.Origin))
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "warm-up")]).WithCancellation(CancellationToken.None))
                text.Append(update.Text);
        }

        Assert.Equal(ModelWarmupHandler.CannedReplyText, text.ToString());
        Assert.Equal(1, loopback.Served);
        Assert.StartsWith("POST ", loopback.LastRequestHeaders[0], StringComparison.Ordinal);
        Assert.DoesNotContain(loopback.LastRequestHeaders, h => h.Contains("secret-key", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("anthropic")]
    [InlineData("openai")]
    public async Task The_loopback_server_reads_the_whole_body_then_streams_one_event_per_chunk_and_closes_the_connection(string provider)
    {
        await using var loopback = await CannedReplyServer.StartAsync(provider, http2: false, CancellationToken.None).DefaultTimeout();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, loopback.Origin.Port).DefaultTimeout();
        var stream = tcp.GetStream();
        var body = new string('x', 100_000); // several reads' worth: answered only once all of it has arrived
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}")).DefaultTimeout();

        var response = Encoding.ASCII.GetString(await ReadToEndAsync(stream)); // ends only because the server closes the connection
        var headEnd = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = response[..headEnd].Split("\r\n");
        Assert.Equal("HTTP/1.1 200 OK", head[0]);
        Assert.Contains("Content-Type: text/event-stream", head);
        Assert.Contains("Transfer-Encoding: chunked", head);
        var chunks = ParseChunks(response[(headEnd + 4)..]);
        var events = ModelWarmupHandler.CannedStream(provider).Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e + "\n\n").ToArray();
        Assert.Equal(events, chunks);
        Assert.Equal(1, loopback.Served);
    }

    [Fact]
    public async Task The_loopback_server_answers_only_posts()
    {
        await using var loopback = await CannedReplyServer.StartAsync("anthropic", http2: false, CancellationToken.None).DefaultTimeout();
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(loopback.Origin, "/v1/messages")).DefaultTimeout();

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(0, loopback.Served);
    }

    [Fact]
    public async Task OutsideTheWarmupScopeRequestsGoToTheNetwork()
    {
        var warmup = new ModelWarmupHandler("anthropic");
        using var client = AnthropicChatClientFactory.Create(new AnthropicModelOptions { ApiKey = "k", BaseUrl = new Uri("http://127.0.0.1:1"), MaxRetries = 0 }, warmup);
        using (warmup.BeginCannedReplies()) { }

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]).WithCancellation(CancellationToken.None)) { }
        });
    }

    [Fact]
    public async Task Over_HTTP2_the_canned_reply_comes_from_an_h2c_loopback_server()
    {
        await using var loopback = await CannedReplyServer.StartAsync("anthropic", http2: true, CancellationToken.None).DefaultTimeout();
        var warmup = new ModelWarmupHandler("anthropic");
        using var client = AnthropicChatClientFactory.Create(new AnthropicModelOptions
        {
            ApiKey = "k", BaseUrl = new Uri("http://127.0.0.1:1"), MaxRetries = 0, HttpVersion = ModelHttpVersion.Http2,
        }, warmup);

        var text = new StringBuilder();
        using (warmup.BeginCannedReplies(loopback.Origin))
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "warm-up")]).WithCancellation(CancellationToken.None))
                text.Append(update.Text);
        }

        Assert.Equal(ModelWarmupHandler.CannedReplyText, text.ToString());
        Assert.EndsWith(" HTTP/2", loopback.LastRequestHeaders[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheServerOpensTheModelConnectionAtStartBeforeAnyCall()
    {
        using var origin = new TcpListener(IPAddress.Loopback, 0);
        origin.Start();
        var port = ((IPEndPoint)origin.LocalEndpoint).Port;
        var accepted = origin.AcceptTcpClientAsync();
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["ANTHROPIC_BASE_URL"] = $"http://127.0.0.1:{port}",
            ["WELCOME_GREETING"] = "",
        });

        // StartAsync has returned and no call was placed: the connection, carrying a HEAD, is already there.
        using var connection = await accepted.DefaultTimeout();
        var head = await ReadHeadersAsync(connection.GetStream());
        Assert.StartsWith("HEAD / HTTP/1.1", head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_prompt_of_the_first_call_goes_over_the_connection_opened_at_start()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["WELCOME_GREETING"] = "" });
        Assert.Equal(1, server.Model.TcpConnectionsAccepted); // the warm-up's HEAD, before any call
        server.Model.Enqueue(VoiceAgent.Emulators.ChatScript.ChatReply.Text("Hello."));

        await using var caller = await server.CallAsync();
        Assert.Equal("Hello.", await caller.AskAsync("Hi"));

        Assert.Equal(1, server.Model.Requests.Count);
        Assert.Equal(1, server.Model.TcpConnectionsAccepted); // the prompt reused it: no connect on the caller's path
    }

    private static async Task<byte[]> ReadToEndAsync(NetworkStream stream)
    {
        using var received = new MemoryStream();
        var buffer = new byte[8192];
        for (var i = 0; i < 10_000; i++)
        {
            var read = await stream.ReadAsync(buffer).AsTask().DefaultTimeout();
            if (read == 0) return received.ToArray();
            received.Write(buffer, 0, read);
        }
        throw new InvalidOperationException("The server did not close the connection.");
    }

    /// <summary>The data of each chunk of a chunked body, up to the terminating empty chunk (which must be there).</summary>
    private static List<string> ParseChunks(string body)
    {
        var chunks = new List<string>();
        var at = 0;
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(body[at..lineEnd], 16);
            if (size == 0) return body[(lineEnd + 2)..] == "\r\n" ? chunks : throw new InvalidDataException("no end after the last chunk");
            chunks.Add(body.Substring(lineEnd + 2, size));
            at = lineEnd + 2 + size + 2;
        }
    }

    private static async Task<string> ReadHeadersAsync(NetworkStream stream)
    {
        var received = new StringBuilder();
        var buffer = new byte[1];
        for (var i = 0; i < 64 * 1024; i++)
        {
            if (await stream.ReadAsync(buffer).AsTask().DefaultTimeout() == 0) throw new IOException("The server closed the model connection.");
            received.Append((char)buffer[0]);
            if (received.Length >= 4 && received.ToString(received.Length - 4, 4) == "\r\n\r\n") return received.ToString();
        }
        throw new InvalidOperationException("No end of headers within 64 KB.");
    }
}
