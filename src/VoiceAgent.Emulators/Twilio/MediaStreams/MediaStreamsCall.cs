using System.Xml.Linq;

namespace VoiceAgent.Emulators.Twilio.MediaStreams;

/// <summary>
/// Plays Twilio's whole side of a Media Streams call, TwiML included (protocols/twilio-media-streams.md §1): POSTs the
/// signed incoming-call webhook and runs the <c>&lt;Connect&gt;&lt;Stream&gt;</c> it returns (signed upgrade to the
/// <c>url</c>, <c>start</c> carrying the <c>&lt;Parameter&gt;</c>s as <c>customParameters</c>, a fresh StreamSid per
/// stream). Twilio runs the TwiML after <c>&lt;Connect&gt;</c> only once the server's side of the socket is gone (closed,
/// or dropped when the instance died) and the call is still up: then <see cref="FollowStreamEndAsync"/> POSTs the
/// <c>&lt;Connect action&gt;</c> URL if there is one, else the <c>&lt;Redirect&gt;</c> that follows, with the call's
/// parameters, and runs the TwiML returned: a new <c>&lt;Connect&gt;&lt;Stream&gt;</c> opens a new stream on the same
/// CallSid; <c>&lt;Hangup&gt;</c> ends the call. A caller who hangs up ends the call (<c>stop</c>); nothing runs after.
/// Every URL Twilio would call is the public one from the TwiML; <see cref="MediaStreamsCallOptions.Route"/> says which
/// server actually answers it (a load balancer's job).
/// </summary>
public sealed class MediaStreamsCall : IAsyncDisposable
{
    private readonly MediaStreamsCallOptions _options;
    private readonly HttpClient _http;
    private readonly TwilioRequestSigner _signer;
    private XElement? _afterConnect;
    private string? _actionUrl;

    private MediaStreamsCall(MediaStreamsCallOptions options, HttpClient http)
    {
        _options = options;
        _http = http;
        _signer = new TwilioRequestSigner(options.AuthToken);
    }

    public string CallSid => _options.CallSid;

    /// <summary>The stream in progress (a new one after each reconnect).</summary>
    public MediaStreamsCaller Caller { get; private set; } = null!;

    /// <summary>Streams opened on this call so far (1 + reconnects).</summary>
    public int Streams { get; private set; }

    /// <summary>Dials: the incoming-call webhook, then the stream its TwiML asks for.</summary>
    public static async Task<MediaStreamsCall> DialAsync(MediaStreamsCallOptions options, HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        var call = new MediaStreamsCall(options, http);
        var twiml = await call.PostAsync(options.WebhookUrl, call.CallForm("ringing"), cancellationToken);
        var ended = await call.RunTwimlAsync(twiml, cancellationToken);
        if (ended is not null)
        {
            await call.DisposeAsync();
            throw new InvalidOperationException($"The incoming-call TwiML did not connect a stream: {twiml}");
        }
        return call;
    }

    /// <summary>
    /// What Twilio does when the server's side of the stream is gone with the call still up: waits for the socket to be
    /// closed or dropped, requests the <c>&lt;Connect action&gt;</c> URL, else the <c>&lt;Redirect&gt;</c> after the
    /// <c>&lt;Connect&gt;</c>, and runs the TwiML returned. Returns null when a new stream connected, else the verb that
    /// ended the call here (<c>Hangup</c>, or <c>none</c> when the TwiML had nothing after the stream).
    /// </summary>
    public async Task<string?> FollowStreamEndAsync(CancellationToken cancellationToken = default)
    {
        await Caller.WaitForCloseAsync(cancellationToken);
        var next = _actionUrl ?? (_afterConnect?.Name.LocalName == "Redirect" ? _afterConnect.Value.Trim() : null);
        if (next is null) return _afterConnect?.Name.LocalName ?? "none";
        var twiml = await PostAsync(new Uri(next), CallForm("in-progress"), cancellationToken);
        await Caller.DisposeAsync();
        return await RunTwimlAsync(twiml, cancellationToken);
    }

    /// <summary>The caller hangs up: <c>stop</c>, then the socket closes; the call is over.</summary>
    public Task HangUpAsync(CancellationToken cancellationToken = default) => Caller.HangUpAsync(cancellationToken);

    private async Task<string?> RunTwimlAsync(string twiml, CancellationToken cancellationToken)
    {
        var response = XDocument.Parse(twiml).Root ?? throw new InvalidOperationException("Empty TwiML.");
        var connect = response.Element("Connect");
        var stream = connect?.Element("Stream");
        if (connect is null || stream is null)
            return response.Elements().FirstOrDefault()?.Name.LocalName ?? "none";

        _actionUrl = connect.Attribute("action")?.Value;
        _afterConnect = connect.ElementsAfterSelf().FirstOrDefault();
        var socketUrl = stream.Attribute("url")?.Value ?? throw new InvalidOperationException("<Stream> has no url.");
        var parameters = stream.Elements("Parameter").ToDictionary(p => p.Attribute("name")!.Value, p => p.Attribute("value")?.Value ?? "", StringComparer.Ordinal);
        Streams++;
        var callerOptions = _options.Line with
        {
            AccountSid = _options.AccountSid,
            CallSid = CallSid,
            StreamSid = MediaStreamsCallerOptions.NewSid("MZ"),
            CustomParameters = parameters,
        };
        Caller = await MediaStreamsCaller.ConnectAsync(_options.Route(new Uri(socketUrl)), socketUrl, _options.AuthToken, callerOptions, cancellationToken);
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

    public async ValueTask DisposeAsync()
    {
        if (Caller is not null) await Caller.DisposeAsync();
    }
}

/// <summary>Who is calling whom, Twilio's credentials, how the line behaves, and where each public URL is actually served.</summary>
public sealed record MediaStreamsCallOptions
{
    /// <summary>The public incoming-call webhook, e.g. <c>https://voice.example.com/twiml/stream</c>.</summary>
    public required Uri WebhookUrl { get; init; }
    public required string AuthToken { get; init; }
    public required string AccountSid { get; init; }
    public string CallSid { get; init; } = MediaStreamsCallerOptions.NewSid("CA");
    public string From { get; init; } = "+18005550100";
    public string To { get; init; } = "+18005550101";

    /// <summary>How each stream's line behaves (silence when idle, echo); its SIDs and parameters come from the call and the TwiML.</summary>
    public MediaStreamsCallerOptions Line { get; init; } = new();

    /// <summary>Maps a public URL (webhook, socket, redirect) to the server that answers it; identity when there is no load balancer.</summary>
    public Func<Uri, Uri> Route { get; init; } = static uri => uri;
}
