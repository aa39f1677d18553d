namespace VoiceAgent.Telephony.Twilio.TwiML;

/// <summary>What <see cref="MediaStreamTwiml.Build"/> writes: a bidirectional <c>&lt;Connect&gt;&lt;Stream&gt;</c>.</summary>
public sealed record MediaStreamTwimlOptions
{
    /// <summary>
    /// The WebSocket Twilio streams audio to (<c>url</c>): absolute <c>wss://</c> (<c>ws://</c> for local
    /// use) and without a query string, which Twilio does not support; use <see cref="Parameters"/>.
    /// </summary>
    public required Uri Url { get; init; }

    /// <summary><c>&lt;Connect action&gt;</c>: requested with POST after the server closes the stream.</summary>
    public Uri? ActionUrl { get; init; }

    /// <summary>
    /// <c>&lt;Redirect&gt;</c> after <c>&lt;/Connect&gt;</c>: where Twilio goes (POST) when the stream ends and the call is
    /// still up, e.g. because the instance serving the socket died; that endpoint decides to reconnect or hang up.
    /// </summary>
    public Uri? RedirectUrl { get; init; }

    /// <summary>Stream name, unique per call.</summary>
    public string? Name { get; init; }

    /// <summary>Receives <c>stream-started</c>/<c>stream-stopped</c>/<c>stream-error</c> events (POST).</summary>
    public Uri? StatusCallback { get; init; }

    /// <summary><c>&lt;Parameter&gt;</c> children, delivered as <c>start.customParameters</c>; name + value under 500 characters each.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Every problem, each with its fix; empty when the options can be written.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        TwimlChecks.WebSocketUrl(Url, "Url", allowQuery: false, errors);
        TwimlChecks.HttpUrl(ActionUrl, "ActionUrl", errors);
        TwimlChecks.HttpUrl(RedirectUrl, "RedirectUrl", errors);
        TwimlChecks.Text(Name, "Name", errors);
        TwimlChecks.HttpUrl(StatusCallback, "StatusCallback", errors);
        TwimlChecks.Parameters(Parameters, errors);
        return errors;
    }
}
