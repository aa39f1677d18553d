using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Telephony.Twilio.Rest;

/// <summary>Creating a call (<c>CreateCall</c>) and ending a live or ringing one.</summary>
internal sealed partial class TwilioRestClient
{
    /// <summary>
    /// <c>POST /2010-04-01/Accounts/{AccountSid}/Calls.json</c>, the one way a call is placed: outbound calls fetch their
    /// TwiML from <see cref="CreateCallRequest.Url"/>, the warm transfer's agent leg runs inline
    /// <see cref="CreateCallRequest.Twiml"/>. Array parameters (<c>StatusCallbackEvent</c>) go as repeated keys, as
    /// Twilio's own libraries send them. Returns the new call's SID and status (<c>queued</c>).
    /// </summary>
    public async Task<CreatedCall> CreateCallAsync(CreateCallRequest call, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("To", call.To), new("From", call.From) };
        if (call.Url is { } url)
        {
            form.Add(new("Url", url.ToString()));
            form.Add(new("Method", "POST"));
        }
        else
        {
            form.Add(new("Twiml", call.Twiml!));
        }
        form.Add(new("StatusCallback", call.StatusCallback.ToString()));
        form.Add(new("StatusCallbackMethod", "POST"));
        form.Add(new("Timeout", call.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)));
        foreach (var e in call.StatusEvents) form.Add(new("StatusCallbackEvent", e));
        if (call.MachineDetection is { } amd)
        {
            form.Add(new("MachineDetection", amd));
            form.Add(new("AsyncAmd", "true"));
            form.Add(new("AsyncAmdStatusCallback", (call.AmdCallback ?? call.StatusCallback).ToString()));
            form.Add(new("AsyncAmdStatusCallbackMethod", "POST"));
            form.Add(new("MachineDetectionTimeout", call.MachineDetectionTimeoutSeconds.ToString(CultureInfo.InvariantCulture)));
        }
        var uri = new Uri(baseUrl, $"/2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}/Calls.json");
        var body = await PostFormAsync(uri, form, cancellationToken);
        return CreatedCall.Parse(body);
    }

    /// <summary>
    /// Ends a call: <c>Status=completed</c> hangs up a call in progress; <c>Status=canceled</c> (<paramref name="ringing"/>)
    /// ends one still queued or ringing and leaves an answered one alone.
    /// </summary>
    public async Task HangUpAsync(string callSid, CancellationToken cancellationToken, bool ringing = false)
    {
        var uri = new Uri(baseUrl, $"/2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}/Calls/{Uri.EscapeDataString(callSid)}.json");
        await PostFormAsync(uri, [new("Status", ringing ? "canceled" : "completed")], cancellationToken);
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

/// <summary>
/// What <see cref="TwilioRestClient.CreateCallAsync"/> sends. The callee's TwiML comes from exactly one of <see cref="Url"/>
/// (fetched when the call is answered) and <see cref="Twiml"/> (inline, at most 4000 characters).
/// </summary>
internal sealed record CreateCallRequest
{
    public const int MaxInlineTwiml = 4000;
    public static readonly IReadOnlyList<string> AllStatusEvents = ["initiated", "ringing", "answered", "completed"];

    public CreateCallRequest(string to, string from, Uri statusCallback, int timeoutSeconds, Uri? url = null, string? twiml = null)
    {
        if ((url is null) == (twiml is null)) throw new ArgumentException("A call takes its TwiML from exactly one of a Url and inline Twiml.");
        if (twiml is { Length: > MaxInlineTwiml }) throw new ArgumentException($"Inline TwiML is at most {MaxInlineTwiml} characters (got {twiml.Length}).", nameof(twiml));
        To = to;
        From = from;
        StatusCallback = statusCallback;
        TimeoutSeconds = timeoutSeconds;
        Url = url;
        Twiml = twiml;
    }

    public string To { get; }
    public string From { get; }
    public Uri StatusCallback { get; }
    /// <summary>How long it rings before <c>no-answer</c>.</summary>
    public int TimeoutSeconds { get; }
    public Uri? Url { get; }
    public string? Twiml { get; }
    /// <summary>The call-progress events posted to <see cref="StatusCallback"/> (<c>completed</c> always is).</summary>
    public IReadOnlyList<string> StatusEvents { get; init; } = AllStatusEvents;
    /// <summary><c>Enable</c> or <c>DetectMessageEnd</c> turns on async answering-machine detection; null: off.</summary>
    public string? MachineDetection { get; init; }
    /// <summary>Where the AMD result goes; null: <see cref="StatusCallback"/>.</summary>
    public Uri? AmdCallback { get; init; }
    public int MachineDetectionTimeoutSeconds { get; init; } = 30;
}

/// <summary>The Call resource's SID and status right after creation.</summary>
internal sealed record CreatedCall(string Sid, string Status)
{
    /// <summary>The one parse of the 201 Call resource: a <c>CA…</c> sid (required) and its status.</summary>
    public static CreatedCall Parse(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.TryGetProperty("sid", out var s) && s.GetString() is { } sid && sid.StartsWith("CA", StringComparison.Ordinal))
                return new CreatedCall(sid, root.TryGetProperty("status", out var st) && st.GetString() is { Length: > 0 } status ? status : "queued");
        }
        catch (JsonException)
        {
        }
        throw new TwilioRestException(201, null, "Call resource without a CA sid");
    }
}
