using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Emulators.Twilio.Rest;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd.Transfer;

/// <summary>The server under test wired to a Twilio REST emulator whose callbacks reach it, as in production.</summary>
internal static class TransferHarness
{
    public const string AgentNumber = "+15555550123";
    public const string HoldMusic = "https://cdn.example.com/hold.mp3";

    public static async Task<TwilioRestEmulator> StartRestAsync()
    {
        var rest = new TwilioRestEmulator(RelayServer.AccountSid, RelayServer.AuthToken);
        await rest.StartAsync().DefaultTimeout();
        return rest;
    }

    public static Dictionary<string, string?> Settings(TwilioRestEmulator rest, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["TWILIO_API_BASE_URL"] = rest.BaseUrl.ToString().TrimEnd('/'),
            ["TRANSFER_NUMBER"] = AgentNumber,
            ["HOLD_MUSIC_URL"] = HoldMusic,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
        return settings;
    }

    public static async Task<RelayServer> StartRelayAsync(TwilioRestEmulator rest, IDictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
    {
        var server = await RelayServer.StartAsync(Settings(rest, extra), services: services);
        rest.Route = uri => PublicRoute.To(uri, server.Address);
        return server;
    }

    public static XElement Conference(string twiml) => XDocument.Parse(twiml).Descendants("Conference").Single();

    /// <summary>The voicemail fallback: the caller is told, then a message is recorded for a call back.</summary>
    public static void AssertVoicemail(string twiml)
    {
        var response = XDocument.Parse(twiml).Root!;
        Assert.Empty(response.Descendants("Conference"));
        var say = response.Elements().First();
        Assert.Equal("Say", say.Name.LocalName);
        Assert.Contains("call you back", say.Value, StringComparison.Ordinal);
        var record = response.Element("Record")!;
        Assert.Equal(RelayServer.PublicBaseUrl + "/twiml/transfer/voicemail", record.Attribute("action")!.Value);
    }
}
