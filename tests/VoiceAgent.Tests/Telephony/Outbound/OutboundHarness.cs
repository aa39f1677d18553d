using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VoiceAgent.Emulators.Twilio.Rest;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Telephony.Outbound;

/// <summary>The real server wired to the Twilio REST emulator, which rings back to the server's public URLs over loopback.</summary>
internal sealed class OutboundHarness : IAsyncDisposable
{
    public const string AdminToken = "admin-token-0123456789abcdef";
    public const string CallerId = "+15005550006";

    private OutboundHarness(TwilioRestEmulator twilio, RelayServer server)
    {
        Twilio = twilio;
        Server = server;
        Admin = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
    }

    public TwilioRestEmulator Twilio { get; }
    public RelayServer Server { get; }
    public HttpClient Admin { get; }

    public static async Task<OutboundHarness> StartAsync(IDictionary<string, string?>? settings = null, TwilioRestEmulator? twilio = null)
    {
        var ownsTwilio = twilio is null;
        twilio ??= new TwilioRestEmulator(RelayServer.AccountSid, RelayServer.AuthToken);
        if (ownsTwilio) await twilio.StartAsync().DefaultTimeout();
        var config = new Dictionary<string, string?>
        {
            ["TWILIO_API_BASE_URL"] = twilio.BaseUrl.ToString().TrimEnd('/'),
            ["TWILIO_CALLER_ID"] = CallerId,
            ["ADMIN_TOKEN"] = AdminToken,
            ["CAMPAIGN_ENABLED"] = "false", // tests drain the queue themselves, one step at a time
            ["CAMPAIGN_CALLING_HOURS"] = OpenNow(),
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        var server = await RelayServer.StartAsync(config);
        if (ownsTwilio) twilio.Route = uri => PublicRoute.To(uri, server.Address);
        return new OutboundHarness(twilio, server);
    }

    /// <summary>A calling-hours window (UTC, the default zone) open from an hour ago to three hours from now.</summary>
    public static string OpenNow()
    {
        var now = TimeOnly.FromDateTime(DateTime.UtcNow);
        return $"{now.AddHours(-1):HH:mm}-{now.AddHours(3):HH:mm}";
    }

    public T Service<T>() where T : notnull => (T)Server.App.Services.GetService(typeof(T))!;

    public async Task<JsonElement> PlaceAsync(object body)
    {
        using var response = await Admin.PostAsJsonAsync("/admin/calls", body).DefaultTimeout();
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> OutboundAsync(string id)
    {
        var text = await Admin.GetStringAsync($"/admin/outbound/{id}").DefaultTimeout();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<long> EnqueueAsync(object body)
    {
        using var response = await Admin.PostAsJsonAsync("/admin/campaign/entries", body).DefaultTimeout();
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt64();
    }

    public async Task<JsonElement> EntryAsync(long id)
        => JsonDocument.Parse(await Admin.GetStringAsync($"/admin/campaign/entries/{id}").DefaultTimeout()).RootElement.Clone();

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}
