using System.Net;
using VoiceAgent.Providers.Http11;
using VoiceAgent.Providers.Resilience;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Http11;

/// <summary>The lean HTTP/1.1 handler against a server whose every byte the test writes (real sockets on 127.0.0.1).</summary>
public sealed class Http11HandlerTests
{
    private const string ChunkedHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

    [Fact]
    public async Task A_response_read_to_its_end_leaves_its_connection_for_the_next_request()
    {
        await using var server = new RawHttpServer();
        using var http = Client();

        var first = RequestTextAsync(http, server);
        var peer = await server.NextConnectionAsync();
        await peer.ReadRequestAsync();
        await peer.WriteAsync(ChunkedHead + "5\r\nfirst\r\n0\r\n\r\n");
        Assert.Equal("first", await first.DefaultTimeout());
        var second = RequestTextAsync(http, server);
        await peer.ReadRequestAsync();
        await peer.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");

        Assert.Equal("second", await second.DefaultTimeout());
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task Connection_close_from_the_server_makes_the_next_request_open_a_new_connection()
    {
        await using var server = new RawHttpServer();
        using var http = Client();

        var first = RequestTextAsync(http, server);
        var peer = await server.NextConnectionAsync();
        await peer.ReadRequestAsync();
        await peer.WriteAsync("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
        Assert.Equal("ok", await first.DefaultTimeout());
        Assert.True(await peer.ClosedByClientAsync());

        var second = RequestTextAsync(http, server);
        var next = await server.NextConnectionAsync();
        await next.ReadRequestAsync();
        await next.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain");

        Assert.Equal("again", await second.DefaultTimeout());
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task The_request_goes_out_with_host_headers_content_type_and_length()
    {
        await using var server = new RawHttpServer();
        using var http = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl, "/v1/messages?beta=true")) { Content = new StringContent("{\"a\":1}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("x-api-key", "sk-test");

        var sending = http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var peer = await server.NextConnectionAsync();
        var received = await peer.ReadRequestAsync();
        await peer.WriteAsync("HTTP/1.1 204 No Content\r\n\r\n");
        using var response = await sending.DefaultTimeout();

        Assert.StartsWith($"POST /v1/messages?beta=true HTTP/1.1\r\nHost: 127.0.0.1:{server.BaseUrl.Port}\r\n", received, StringComparison.Ordinal);
        Assert.Contains("\r\nx-api-key: sk-test\r\n", received, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: application/json; charset=utf-8\r\n", received, StringComparison.Ordinal);
        Assert.EndsWith("\r\nContent-Length: 7\r\n\r\n{\"a\":1}", received, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task A_non_success_status_comes_back_with_its_headers_and_body()
    {
        await using var server = new RawHttpServer();
        using var http = Client();

        var sending = http.PostAsync(new Uri(server.BaseUrl, "/v1/messages"), new StringContent("{}"));
        var peer = await server.NextConnectionAsync();
        await peer.ReadRequestAsync();
        await peer.WriteAsync("HTTP/1.1 529 Overloaded\r\nContent-Type: application/json\r\nrequest-id: req_1\r\nretry-after-ms: 250\r\nContent-Length: 15\r\n\r\n{\"type\":\"error\"}"[..^1]);
        using var response = await sending.DefaultTimeout();

        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal("req_1", Assert.Single(response.Headers.GetValues("request-id")));
        Assert.Equal("250", Assert.Single(response.Headers.GetValues("retry-after-ms")));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{\"type\":\"error\"", await response.Content.ReadAsStringAsync().DefaultTimeout());
    }

    [Fact]
    public async Task A_server_that_closes_in_the_middle_of_a_chunked_body_is_a_lost_connection()
    {
        await using var server = new RawHttpServer();
        using var http = Client();

        var sending = http.GetAsync(new Uri(server.BaseUrl, "/"), HttpCompletionOption.ResponseHeadersRead);
        var peer = await server.NextConnectionAsync();
        await peer.ReadRequestAsync();
        await peer.WriteAsync(ChunkedHead + "a\r\nhalf");
        using var response = await sending.DefaultTimeout();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64];
        Assert.Equal("half", System.Text.Encoding.ASCII.GetString(buffer, 0, await body.ReadAsync(buffer).AsTask().DefaultTimeout()));
        peer.Dispose();

        var error = await Assert.ThrowsAsync<HttpIOException>(() => body.ReadAsync(buffer).AsTask().DefaultTimeout());

        Assert.Equal(HttpRequestError.ResponseEnded, error.HttpRequestError);
        Assert.Equal(ProviderFailureKind.ConnectionLost, ProviderFailure.Classify(error).Kind);
    }

    [Fact]
    public async Task An_idle_connection_the_server_closed_is_not_used_for_the_next_request()
    {
        await using var server = new RawHttpServer();
        using var http = Client();
        var first = RequestTextAsync(http, server);
        var peer = await server.NextConnectionAsync();
        await peer.ReadRequestAsync();
        await peer.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
        Assert.Equal("one", await first.DefaultTimeout());

        peer.Dispose();
        var second = RequestTextAsync(http, server);
        var next = await server.NextConnectionAsync();
        await next.ReadRequestAsync();
        await next.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo");

        Assert.Equal("two", await second.DefaultTimeout());
    }

    [Fact]
    public async Task An_unfinished_body_closes_its_connection_and_a_spare_connects_before_the_next_request()
    {
        await using var server = new RawHttpServer();
        using var http = Client();
        var sending = http.GetAsync(new Uri(server.BaseUrl, "/"), HttpCompletionOption.ResponseHeadersRead);
        var peer = await server.NextConnectionAsync();
        await peer.ReadRequestAsync();
        await peer.WriteAsync(ChunkedHead + "5\r\nhello\r\n");
        var response = await sending.DefaultTimeout();

        response.Dispose(); // barge-in: the rest of the reply is not wanted

        Assert.True(await peer.ClosedByClientAsync());
        var spare = await server.NextConnectionAsync(); // opened with no request waiting
        var next = RequestTextAsync(http, server);
        await spare.ReadRequestAsync();
        await spare.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext");
        Assert.Equal("next", await next.DefaultTimeout());
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task Cancelling_a_pending_body_read_closes_the_connection()
    {
        await using var server = new RawHttpServer();
        using var http = Client();
        var sending = http.GetAsync(new Uri(server.BaseUrl, "/"), HttpCompletionOption.ResponseHeadersRead);
        var peer = await server.NextConnectionAsync();
        await peer.ReadRequestAsync();
        await peer.WriteAsync(ChunkedHead);
        using var response = await sending.DefaultTimeout();
        await using var body = await response.Content.ReadAsStreamAsync();
        using var cts = new CancellationTokenSource();

        var pending = body.ReadAsync(new byte[64], cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.DefaultTimeout());
        Assert.True(await peer.ClosedByClientAsync());
    }

    [Fact]
    public async Task A_response_that_is_not_http_is_a_clear_error()
    {
        await using var server = new RawHttpServer();
        using var http = Client();

        var sending = http.GetAsync(new Uri(server.BaseUrl, "/"));
        var peer = await server.NextConnectionAsync();
        await peer.ReadRequestAsync();
        await peer.WriteAsync("SSH-2.0-OpenSSH_9.6\r\n\r\n");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => sending.DefaultTimeout());
        Assert.Contains("not HTTP/1.x", error.InnerException?.Message, StringComparison.Ordinal);
    }

    private static HttpClient Client() => new(new Http11Handler(new Http11HandlerOptions())) { Timeout = Timeout.InfiniteTimeSpan };

    private static async Task<string> RequestTextAsync(HttpClient http, RawHttpServer server)
    {
        using var response = await http.PostAsync(new Uri(server.BaseUrl, "/v1/messages"), new StringContent("{}"));
        return await response.Content.ReadAsStringAsync();
    }
}
