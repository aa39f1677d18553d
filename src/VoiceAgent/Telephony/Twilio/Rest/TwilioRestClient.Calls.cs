using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Telephony.Twilio.Rest;

/// <summary>Creating an outbound call (<c>CreateCall</c>) and ending a live one.</summary>
internal sealed partial class TwilioRestClient
{
    /// <summary>
    /// <c>POST /2010-04-01/Accounts/{AccountSid}/Calls.json</c>. Array parameters (<c>StatusCallbackEvent</c>) go as
    /// repeated keys, as Twilio's own libraries send them. Returns the new call's SID and status (<c>queued</c>).
    /// </summary>
    public async Task<CreatedCall> CreateCallAsync(CreateCallRequest call, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("To", call.To),
            new("From", call.From),
            new("Url", call.Url.ToString()),
            new("Method", "POST"),
            new("StatusCallback", call.StatusCallback.ToString()),
            new("StatusCallbackMethod", "POST"),
            new("Timeout", call.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)),
        };
        foreach (var e in CreateCallRequest.StatusEvents) form.Add(new("StatusCallbackEvent", e));
        if (call.MachineDetection is { } amd)
        {
            form.Add(new("MachineDetection", amd));
            form.Add(new("AsyncAmd", "true"));
            form.Add(new("AsyncAmdStatusCallback", call.AmdCallback.ToString()));
            form.Add(new("AsyncAmdStatusCallbackMethod", "POST"));
            form.Add(new("MachineDetectionTimeout", call.MachineDetectionTimeoutSeconds.ToString(CultureInfo.InvariantCulture)));
        }
        var uri = new Uri(baseUrl, $"/2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}/Calls.json");
        var body = await PostFormAsync(uri, form, cancellationToken);
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        var sid = root.TryGetProperty("sid", out var s) ? s.GetString() : null;
        if (sid is null || !sid.StartsWith("CA", StringComparison.Ordinal)) throw new TwilioRestException(201, null, "Call resource without a CA sid");
        return new CreatedCall(sid, root.TryGetProperty("status", out var st) ? st.GetString() ?? "queued" : "queued");
    }

    /// <summary>Ends a live call (<c>Status=completed</c>).</summary>
    public async Task HangUpAsync(string callSid, CancellationToken cancellationToken)
    {
        var uri = new Uri(baseUrl, $"/2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}/Calls/{Uri.EscapeDataString(callSid)}.json");
        await PostFormAsync(uri, [new("Status", "completed")], cancellationToken);
    }

    private async Task<string> PostFormAsync(Uri uri, IEnumerable<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{authToken}")));
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode) return body;
        throw new TwilioRestException((int)response.StatusCode, ErrorCode(body), body.Length > 300 ? body[..300] : body);
    }
}

/// <summary>What <see cref="TwilioRestClient.CreateCallAsync"/> sends; TwiML comes from <see cref="Url"/> when the callee answers.</summary>
internal sealed record CreateCallRequest(string To, string From, Uri Url, Uri StatusCallback, Uri AmdCallback, int TimeoutSeconds, string? MachineDetection, int MachineDetectionTimeoutSeconds)
{
    public static readonly string[] StatusEvents = ["initiated", "ringing", "answered", "completed"];
}

/// <summary>The Call resource's SID and status right after creation.</summary>
internal sealed record CreatedCall(string Sid, string Status);
