using System.Globalization;
using System.Text.Json;

namespace VoiceAgent.Telephony.Twilio.Rest;

/// <summary>Creating a call leg that runs inline TwiML (the warm transfer's agent leg): <c>POST …/Calls.json</c> with <c>Twiml</c>, answered 201 with the Call resource.</summary>
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
        var body = await PostFormAsync(uri,
        [
            new("To", to),
            new("From", from),
            new("Twiml", twiml),
            new("Timeout", timeoutSeconds.ToString(CultureInfo.InvariantCulture)),
            new("StatusCallback", statusCallback.AbsoluteUri),
            new("StatusCallbackMethod", "POST"),
            new("StatusCallbackEvent", "answered"),
            new("StatusCallbackEvent", "completed"),
        ], cancellationToken);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("sid", out var sid) && sid.GetString() is { Length: > 0 } value) return value;
        }
        catch (JsonException)
        {
        }
        throw new TwilioRestException(201, null, "the created call has no sid");
    }
}
