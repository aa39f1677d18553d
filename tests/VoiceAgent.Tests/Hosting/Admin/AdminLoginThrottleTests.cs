using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Hosting.Admin;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Hosting.Admin;

/// <summary>
/// Wrong admin tokens are limited per client address over real Kestrel: ten in a minute, then 429 with Retry-After on the
/// dashboard login and the admin API alike, until the window (on the server's clock) ends.
/// </summary>
public sealed class AdminLoginThrottleTests
{
    private const string Token = "admin-token-0123456789abcdef";
    private const string Wrong = "admin-token-0123456789abcdeX";
    private const string AdminPath = "/admin/calls/CA00000000000000000000000000000000/transcript?reason=test";

    [Fact]
    public async Task The_eleventh_wrong_dashboard_login_within_a_minute_gets_429_with_Retry_After()
    {
        var clock = new ManualTimeProvider();
        await using var server = await StartAsync(clock);
        using var http = Client(server);

        for (var i = 0; i < AdminLoginThrottle.MaxFailures; i++)
        {
            using var refused = await LoginAsync(http, Wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        clock.Advance(TimeSpan.FromSeconds(20));
        using var limited = await LoginAsync(http, Wrong);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(40), limited.Headers.RetryAfter?.Delta);
        Assert.Contains("try again in 40 s", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task While_an_address_is_limited_even_the_right_token_is_refused_and_no_session_is_issued()
    {
        var clock = new ManualTimeProvider();
        await using var server = await StartAsync(clock);
        using var http = Client(server);
        for (var i = 0; i < AdminLoginThrottle.MaxFailures; i++) (await LoginAsync(http, Wrong)).Dispose();

        using var right = await LoginAsync(http, Token);

        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.False(right.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task When_the_window_ends_the_address_may_log_in_again()
    {
        var clock = new ManualTimeProvider();
        await using var server = await StartAsync(clock);
        using var http = Client(server);
        for (var i = 0; i < AdminLoginThrottle.MaxFailures; i++) (await LoginAsync(http, Wrong)).Dispose();

        clock.Advance(AdminLoginThrottle.Window);
        using var login = await LoginAsync(http, Token);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.True(login.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Wrong_bearer_tokens_on_the_admin_api_are_limited_the_same_way()
    {
        var clock = new ManualTimeProvider();
        await using var server = await StartAsync(clock);
        using var http = Client(server);
        for (var i = 0; i < AdminLoginThrottle.MaxFailures; i++)
        {
            using var refused = await SendAsync(http, AdminPath, "Bearer " + Wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var limited = await SendAsync(http, AdminPath, "Bearer " + Token);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), limited.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Wrong_logins_and_wrong_bearer_tokens_share_one_window_per_address()
    {
        var clock = new ManualTimeProvider();
        await using var server = await StartAsync(clock);
        using var http = Client(server);
        for (var i = 0; i < AdminLoginThrottle.MaxFailures / 2; i++) (await LoginAsync(http, Wrong)).Dispose();
        for (var i = 0; i < AdminLoginThrottle.MaxFailures / 2; i++) (await SendAsync(http, "/dashboard/api/snapshot", "Bearer " + Wrong)).Dispose();

        using var limited = await SendAsync(http, AdminPath, "Bearer " + Token);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
    }

    [Fact]
    public async Task Requests_that_present_no_token_are_not_counted_as_guesses()
    {
        var clock = new ManualTimeProvider();
        await using var server = await StartAsync(clock);
        using var http = Client(server);
        for (var i = 0; i < AdminLoginThrottle.MaxFailures * 2; i++)
        {
            using var anonymous = await SendAsync(http, AdminPath, authorization: null);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using var right = await SendAsync(http, AdminPath, "Bearer " + Token);

        Assert.Equal(HttpStatusCode.NotFound, right.StatusCode); // reached the endpoint: no such transcript
    }

    [Fact]
    public void IPv6_clients_are_counted_per_64_prefix_and_IPv4_mapped_ones_as_IPv4()
    {
        static string KeyOf(string address)
        {
            var context = new DefaultHttpContext();
            context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            return AdminLoginThrottle.Key(context);
        }

        Assert.Equal(KeyOf("2001:db8:1:2::1"), KeyOf("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        Assert.NotEqual(KeyOf("2001:db8:1:2::1"), KeyOf("2001:db8:1:3::1"));
        Assert.Equal("192.0.2.7", KeyOf("::ffff:192.0.2.7"));
        Assert.NotEqual(KeyOf("192.0.2.7"), KeyOf("192.0.2.8"));
    }

    private static Task<RelayServer> StartAsync(ManualTimeProvider clock) =>
        RelayServer.StartAsync(new Dictionary<string, string?> { ["ADMIN_TOKEN"] = Token }, services: s => s.AddSingleton<TimeProvider>(clock));

    private static HttpClient Client(RelayServer server) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.Address };

    private static Task<HttpResponseMessage> LoginAsync(HttpClient http, string token) =>
        http.PostAsync(new Uri("/dashboard/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token })).DefaultTimeout();

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string path, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await http.SendAsync(request).DefaultTimeout();
    }
}
