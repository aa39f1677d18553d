using System.Net;
using System.Net.Http.Headers;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Hosting.Admin;

/// <summary>The admin API over real Kestrel: bearer ADMIN_TOKEN or 401, and 401 for everything when no token is configured.</summary>
public sealed class AdminAuthorizationTests
{
    private const string Token = "admin-token-0123456789abcdef";
    private const string TranscriptPath = "/admin/calls/CA00000000000000000000000000000000/transcript?reason=test";
    private const string ErasePath = "/admin/callers/%2B18005550100?reason=test";

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token-0123456789abcdef")]
    [InlineData("Bearer admin-token-0123456789abcde")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    [InlineData("admin-token-0123456789abcdef")]
    public async Task Admin_requests_without_the_right_bearer_token_get_401(string? authorization)
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["ADMIN_TOKEN"] = Token });
        foreach (var (method, path) in new[] { (HttpMethod.Get, TranscriptPath), (HttpMethod.Delete, ErasePath) })
        {
            using var response = await SendAsync(server, method, path, authorization);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_no_ADMIN_TOKEN_configured_every_admin_request_gets_401()
    {
        await using var server = await RelayServer.StartAsync();
        using var empty = await SendAsync(server, HttpMethod.Get, TranscriptPath, "Bearer ");
        using var any = await SendAsync(server, HttpMethod.Delete, ErasePath, "Bearer " + Token);
        Assert.Equal(HttpStatusCode.Unauthorized, empty.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, any.StatusCode);
    }

    [Fact]
    public async Task The_right_token_reaches_the_endpoint()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["ADMIN_TOKEN"] = Token });
        using var response = await SendAsync(server, HttpMethod.Get, TranscriptPath, "Bearer " + Token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(RelayServer server, HttpMethod method, string path, string? authorization)
    {
        using var http = new HttpClient { BaseAddress = server.Address };
        using var request = new HttpRequestMessage(method, path);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await http.SendAsync(request).DefaultTimeout();
    }
}
