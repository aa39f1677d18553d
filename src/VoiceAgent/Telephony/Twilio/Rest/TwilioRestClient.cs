using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Telephony.Twilio.Rest;

/// <summary>
/// The Programmable Voice REST calls the agent needs (2010-04-01 API, form-encoded, HTTP Basic with the account
/// SID and auth token). Written by hand: there is no Twilio SDK on the package feed here.
/// </summary>
internal sealed partial class TwilioRestClient(HttpClient http, Uri baseUrl, string accountSid, string authToken)
{
    /// <summary>Replaces the TwiML a live call is executing (e.g. <c>&lt;Dial&gt;</c> a person); this ends any media stream.</summary>
    public async Task UpdateCallTwimlAsync(string callSid, string twiml, CancellationToken cancellationToken)
    {
        var uri = new Uri(baseUrl, $"/2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}/Calls/{Uri.EscapeDataString(callSid)}.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("Twiml", twiml)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{authToken}")));
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        throw new TwilioRestException((int)response.StatusCode, ErrorCode(body), body.Length > 300 ? body[..300] : body);
    }

    private static int? ErrorCode(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("code", out var code) && code.TryGetInt32(out var value) ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A Twilio REST error: HTTP status and Twilio's own error code (e.g. 20404).</summary>
public sealed class TwilioRestException : Exception
{
    public TwilioRestException() { }
    public TwilioRestException(string message) : base(message) { }
    public TwilioRestException(string message, Exception inner) : base(message, inner) { }
    public TwilioRestException(int status, int? code, string body) : base($"Twilio REST answered {status} (code {code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}): {body}")
    {
        Status = status;
        Code = code;
    }

    public int Status { get; }
    public int? Code { get; }
}
