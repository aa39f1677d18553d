using System.Diagnostics;
using System.Security.Cryptography;
using System.Xml.Linq;

namespace VoiceAgent.Emulators.Twilio;

/// <summary>
/// Plays Twilio's whole side of a ConversationRelay call, TwiML included: POSTs the signed incoming-call webhook, runs
/// the <c>&lt;Connect action&gt;&lt;ConversationRelay&gt;</c> it returns (signed socket, <c>setup</c> with the
/// <c>&lt;Parameter&gt;</c>s), and when the session ends (the server sent <c>end</c>, closed the socket, or the
/// socket dropped) POSTs the signed <c>&lt;Connect action&gt;</c> callback with the documented parameters and runs the
/// TwiML it returns: a new <c>&lt;Connect&gt;&lt;ConversationRelay&gt;</c> opens a new session on the same CallSid;
/// <c>&lt;Dial&gt;</c> or <c>&lt;Hangup&gt;</c> end the call here. Every URL Twilio would call is the public one from
/// the TwiML; <see cref="ConversationRelayCallOptions.Route"/> says which server actually answers it (a load balancer's job).
/// </summary>
public sealed class ConversationRelayCall : IAsyncDisposable
{
    private readonly ConversationRelayCallOptions _options;
    private readonly HttpClient _http;
    private readonly TwilioRequestSigner _signer;
    private long _sessionStartedAt;

    private ConversationRelayCall(ConversationRelayCallOptions options, HttpClient http)
    {
        _options = options;
        _http = http;
        _signer = new TwilioRequestSigner(options.AuthToken);
    }

    public string CallSid => _options.CallSid;

    /// <summary>The socket of the session in progress (a new one after each reconnect).</summary>
    public ConversationRelayCaller Caller { get; private set; } = null!;

    /// <summary>The <c>welcomeGreeting</c> Twilio spoke when the current session connected; null when none.</summary>
    public string? Greeting { get; private set; }

    /// <summary>The <c>&lt;Connect action&gt;</c> URL of the current TwiML; null when it has none.</summary>
    public string? ActionUrl { get; private set; }

    /// <summary>The TwiML the last action callback answered (e.g. a warm transfer's conference); null before one.</summary>
    public string? LastActionTwiml { get; private set; }

    /// <summary>Sessions opened on this call so far (1 + reconnects).</summary>
    public int Sessions { get; private set; }

    /// <summary>Dials: the incoming-call webhook, then the session its TwiML asks for.</summary>
    public static async Task<ConversationRelayCall> DialAsync(ConversationRelayCallOptions options, HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        var call = new ConversationRelayCall(options, http);
        var twiml = await call.PostAsync(options.WebhookUrl, call.CallForm("ringing"), cancellationToken);
        var connected = await call.RunTwimlAsync(twiml, cancellationToken);
        if (connected is not null) throw new InvalidOperationException($"The incoming-call TwiML did not connect a ConversationRelay session: {twiml}");
        return call;
    }

    /// <summary>
    /// What Twilio does when the current session ends: waits for the socket to be gone, POSTs the action URL and runs the
    /// TwiML returned. Returns null when a new session connected, else the verb that ended the call here
    /// (<c>Hangup</c>, <c>Dial</c>, or <c>none</c> without an action URL).
    /// </summary>
    public async Task<string?> FollowActionAsync(string callStatus = "in-progress", CancellationToken cancellationToken = default)
    {
        // After the server's end, Twilio closes the socket itself; otherwise the session is over once the socket is.
        if (Caller.EndReceived) await Caller.DisposeAsync();
        await Caller.WaitForCloseAsync().WaitAsync(cancellationToken);
        if (ActionUrl is null) return "none";
        var form = CallForm(callStatus);
        form.Add(new("SessionId", SessionId(Sessions)));
        // Twilio's exact SessionStatus values are not documented; an end we asked for reads "ended", a lost socket "failed".
        form.Add(new("SessionStatus", Caller.EndReceived ? "ended" : "failed"));
        form.Add(new("SessionDuration", ((int)Stopwatch.GetElapsedTime(_sessionStartedAt).TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (Caller.EndHandoffData is { } handoff) form.Add(new("HandoffData", handoff));
        var twiml = await PostAsync(new Uri(ActionUrl), form, cancellationToken);
        LastActionTwiml = twiml;
        await Caller.DisposeAsync();
        return await RunTwimlAsync(twiml, cancellationToken);
    }

    /// <summary>The caller hangs up: the socket closes and Twilio reports the call completed to the action URL.</summary>
    public async Task<string?> HangUpAsync(CancellationToken cancellationToken = default)
    {
        await Caller.DisposeAsync();
        return await FollowActionAsync("completed", cancellationToken);
    }

    private async Task<string?> RunTwimlAsync(string twiml, CancellationToken cancellationToken)
    {
        var response = XDocument.Parse(twiml).Root ?? throw new InvalidOperationException("Empty TwiML.");
        var connect = response.Element("Connect");
        var relay = connect?.Element("ConversationRelay");
        if (connect is null || relay is null)
            return response.Elements().FirstOrDefault()?.Name.LocalName ?? "none";

        ActionUrl = connect.Attribute("action")?.Value;
        Greeting = relay.Attribute("welcomeGreeting")?.Value;
        var socketUrl = relay.Attribute("url")?.Value ?? throw new InvalidOperationException("<ConversationRelay> has no url.");
        var parameters = relay.Elements("Parameter").ToDictionary(p => p.Attribute("name")!.Value, p => p.Attribute("value")?.Value ?? "", StringComparer.Ordinal);
        Sessions++;
        Caller = await ConversationRelayCaller.ConnectAsync(_options.Route(new Uri(socketUrl)), socketUrl, _options.AuthToken, cancellationToken);
        _sessionStartedAt = Stopwatch.GetTimestamp();
        await Caller.SendSetupAsync(CallSid, _options.AccountSid, _options.From, _options.To, parameters, SessionId(Sessions), cancellationToken);
        return null;
    }

    private async Task<string> PostAsync(Uri publicUrl, List<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        using var request = _signer.CreateFormPost(_options.Route(publicUrl), publicUrl.ToString(), form);
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{publicUrl} answered {(int)response.StatusCode}: {body.Trim()}");
        return body;
    }

    private List<KeyValuePair<string, string>> CallForm(string callStatus) =>
    [
        new("AccountSid", _options.AccountSid), new("CallSid", CallSid), new("CallStatus", callStatus),
        new("From", _options.From), new("To", _options.To), new("Direction", "inbound"), new("ApiVersion", "2010-04-01"),
    ];

    private string SessionId(int session) => "VX" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(CallSid + session)))[..32];

    public async ValueTask DisposeAsync()
    {
        if (Caller is not null) await Caller.DisposeAsync();
    }
}

/// <summary>Who is calling whom, Twilio's credentials, and where each public URL is actually served.</summary>
public sealed record ConversationRelayCallOptions
{
    /// <summary>The public incoming-call webhook, e.g. <c>https://voice.example.com/twiml/relay</c>.</summary>
    public required Uri WebhookUrl { get; init; }
    public required string AuthToken { get; init; }
    public required string AccountSid { get; init; }
    public string CallSid { get; init; } = "CA" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    public string From { get; init; } = "+18005550100";
    public string To { get; init; } = "+18005550101";

    /// <summary>Maps a public URL (webhook, socket, action) to the server that answers it; identity when there is no load balancer.</summary>
    public Func<Uri, Uri> Route { get; init; } = static uri => uri;
}
