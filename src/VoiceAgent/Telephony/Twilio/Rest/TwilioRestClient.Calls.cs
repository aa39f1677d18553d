using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Telephony.Twilio.Rest;

/// <summary>Creating an outbound call leg (the warm transfer's agent leg): <c>POST …/Calls.json</c>, answered 201 with the Call resource.</summary>
internal sealed partial class TwilioRestClient
{
    /// <summary>
    /// Dials <paramref name="to"/> from <paramref name="from"/> running the inline <paramref name="twiml"/> once answered;
    /// Twilio posts the leg's final status (<c>completed</c>, <c>busy</c>, <c>no-answer</c>, <c>failed</c>, <c>canceled</c>)
    /// to <paramref name="statusCallback"/>. Returns the new call's SID.
    /// </summary>
    public async Task<string> CreateCallAsync(string to, string from, string twiml, Uri statusCallback, int timeoutSeconds, CancellationToken cancellationToken)
    {
        var uri = new Uri(baseUrl, $"/2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}/Calls.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new FormUrlEncodedContent(
            [
                new KeyValuePair<string, string>("To", to),
                new KeyValuePair<string, string>("From", from),
                new KeyValuePair<string, string>("Twiml", twiml),
                new KeyValuePair<string, string>("Timeout", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new KeyValuePair<string, string>("StatusCallback", statusCallback.AbsoluteUri),
                new KeyValuePair<string, string>("StatusCallbackMethod", "POST"),
                new KeyValuePair<string, string>("StatusCallbackEvent", "answered"),
                new KeyValuePair<string, string>("StatusCallbackEvent", "completed"),
            ]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{authToken}")));
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new TwilioRestException((int)response.StatusCode, ErrorCode(body), body.Length > 300 ? body[..300] : body);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("sid", out var sid) && sid.GetString() is { Length: > 0 } value) return value;
        }
        catch (JsonException)
        {
        }
        throw new TwilioRestException((int)response.StatusCode, null, "the created call has no sid");
    }
}
