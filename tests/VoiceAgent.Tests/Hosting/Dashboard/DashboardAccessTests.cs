using System.Net;
using VoiceAgent.Hosting.Dashboard;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Hosting.Dashboard;

/// <summary>The dashboard over real Kestrel: the login form and nothing else without a session; a session only from the admin token.</summary>
public sealed class DashboardAccessTests
{
    private const string Token = "admin-token-0123456789abcdef";

    [Fact]
    public async Task Without_a_session_the_dashboard_shows_only_the_login_form_with_401()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["ADMIN_TOKEN"] = Token });
        using var http = Client(server);

        using var response = await http.GetAsync(new Uri("/dashboard", UriKind.Relative)).DefaultTimeout();
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("name=\"token\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("dashboard.js", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/dashboard/events")]
    [InlineData("/dashboard/api/snapshot")]
    [InlineData("/dashboard/api/health")]
    [InlineData("/dashboard/api/calls/CA00000000000000000000000000000000/transcript?reason=test")]
    public async Task Without_a_session_the_event_stream_and_the_data_are_refused(string path)
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["ADMIN_TOKEN"] = Token });
        using var http = Client(server);
        http.DefaultRequestHeaders.Add("Cookie", DashboardSession.CookieName + "=v1.99999999999.AAAA.AAAA");

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEqual("text/event-stream", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_wrong_token_at_login_sets_no_cookie()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["ADMIN_TOKEN"] = Token });
        using var http = Client(server);

        using var response = await LoginAsync(http, "admin-token-0123456789abcdeX");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Contains("not the admin token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_no_ADMIN_TOKEN_configured_login_is_refused_and_no_data_is_served()
    {
        await using var server = await RelayServer.StartAsync();
        using var http = Client(server);

        using var login = await LoginAsync(http, "");
        using var snapshot = await http.GetAsync(new Uri("/dashboard/api/snapshot", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.False(login.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Unauthorized, snapshot.StatusCode);
    }

    [Fact]
    public async Task The_admin_token_at_login_gives_an_HttpOnly_SameSite_Strict_session_that_opens_the_data()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["ADMIN_TOKEN"] = Token });
        using var http = Client(server);

        using var login = await LoginAsync(http, Token);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/dashboard", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Token, cookie, StringComparison.Ordinal);

        http.DefaultRequestHeaders.Add("Cookie", cookie.Split(';')[0]);
        using var page = await http.GetAsync(new Uri("/dashboard", UriKind.Relative)).DefaultTimeout();
        using var snapshot = await http.GetAsync(new Uri("/dashboard/api/snapshot", UriKind.Relative)).DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("dashboard.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);
        Assert.Contains("\"calls\"", await snapshot.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_session_ends_when_it_expires_or_the_admin_token_changes_and_cannot_be_altered()
    {
        var now = new DateTimeOffset(2026, 12, 7, 4, 0, 0, TimeSpan.Zero);
        var session = DashboardSession.Issue(Token, now)!;

        Assert.True(DashboardSession.IsValid(Token, session, now.AddHours(7)));
        Assert.False(DashboardSession.IsValid(Token, session, now + DashboardSession.Lifetime));
        Assert.False(DashboardSession.IsValid("another-admin-token-0123456789", session, now));
        Assert.False(DashboardSession.IsValid(null, session, now));
        var parts = session.Split('.');
        var extended = string.Join('.', parts[0], (long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) + 86400).ToString(System.Globalization.CultureInfo.InvariantCulture), parts[2], parts[3]);
        Assert.False(DashboardSession.IsValid(Token, extended, now));
    }

    private static HttpClient Client(RelayServer server) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.Address };

    private static Task<HttpResponseMessage> LoginAsync(HttpClient http, string token) =>
        http.PostAsync(new Uri("/dashboard/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token })).DefaultTimeout();
}
