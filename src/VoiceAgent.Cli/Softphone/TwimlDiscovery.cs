using System.Xml.Linq;
using VoiceAgent.Emulators.Twilio;

namespace VoiceAgent.Cli.Softphone;

/// <summary>What the softphone learns from the server's TwiML webhook, as Twilio would on an incoming call.</summary>
internal sealed record RelayTwiml(string WebSocketUrl, string? WelcomeGreeting, IReadOnlyDictionary<string, string> Parameters);

internal static class TwimlDiscovery
{
    /// <summary>POSTs the signed incoming-call webhook and reads the <c>&lt;ConversationRelay&gt;</c> it returns.</summary>
    public static async Task<RelayTwiml> FetchAsync(HttpClient http, Uri serverUrl, string publicBaseUrl, string authToken,
        IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken)
    {
        var signedUrl = publicBaseUrl.TrimEnd('/') + "/twiml/relay";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(serverUrl, "/twiml/relay"))
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Add("X-Twilio-Signature", new TwilioRequestSigner(authToken).Sign(signedUrl, form));
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"The TwiML webhook answered {(int)response.StatusCode}: {body.Trim()}");

        var relay = XDocument.Parse(body).Descendants("ConversationRelay").SingleOrDefault()
            ?? throw new InvalidOperationException("The TwiML has no <ConversationRelay>.");
        var url = relay.Attribute("url")?.Value ?? throw new InvalidOperationException("<ConversationRelay> has no url.");
        var parameters = relay.Elements("Parameter").ToDictionary(p => p.Attribute("name")!.Value, p => p.Attribute("value")?.Value ?? "");
        return new RelayTwiml(url, relay.Attribute("welcomeGreeting")?.Value, parameters);
    }
}
