using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VoiceAgent.Emulators.Twilio.Rest;

/// <summary>
/// <c>POST /2010-04-01/Accounts/{AccountSid}/Calls.json</c> (CreateCall), one path for every call: validates the
/// documented parameters (exactly one of <c>Url</c> and inline <c>Twiml</c>), answers 201 with a <c>queued</c> Call
/// resource, then plays the call out as Twilio would: signed status callbacks for the requested events (with
/// <c>SequenceNumber</c>), and once answered either the signed TwiML request to <c>Url</c> and the socket it connects
/// (with the async AMD result) or the inline TwiML (a <c>&lt;Dial&gt;&lt;Conference&gt;</c> joins the room), then the final
/// status. A live-call update (voicemail <c>Twiml</c>, <c>Status=completed</c> / <c>canceled</c>) ends the emulated call.
/// </summary>
public sealed partial class TwilioRestEmulator
{
    private readonly ConcurrentDictionary<string, EmulatedCall> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CalleeBehavior> _callees = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<EmulatedCall> _creates = new();
    private readonly ConcurrentQueue<TwilioStatusCallback> _callbacks = new();
    private readonly Channel<TwilioStatusCallback> _callbackFeed = Channel.CreateUnbounded<TwilioStatusCallback>();
    private readonly Channel<EmulatedCall> _placed = Channel.CreateUnbounded<EmulatedCall>();
    private readonly ConcurrentBag<Task> _running = [];
    private readonly HttpClient _callbackHttp = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Maps a public URL (our webhooks, sockets) to where it is actually served; identity when public is local.</summary>
    public Func<Uri, Uri> Route { get; set; } = static uri => uri;

    /// <summary>Who answers numbers without a rule of their own.</summary>
    public Func<string, CalleeBehavior> DefaultCallee { get; set; } = static _ => CalleeBehavior.Person;

    /// <summary>Every accepted CreateCall, in order (its form parameters: <see cref="EmulatedCall.Parameters"/>).</summary>
    public IReadOnlyCollection<EmulatedCall> CreatedCalls => _creates;

    /// <summary>Every status callback a created call posted, with the HTTP status the server answered, in order.</summary>
    public IReadOnlyCollection<TwilioStatusCallback> StatusCallbacks => _callbacks;

    /// <summary>The next status callback a created call posted (in order).</summary>
    public async Task<TwilioStatusCallback> WaitForStatusCallbackAsync(CancellationToken cancellationToken = default) => await _callbackFeed.Reader.ReadAsync(cancellationToken);

    /// <summary>Every emulated call by SID.</summary>
    public IReadOnlyDictionary<string, EmulatedCall> Calls => _calls;

    /// <summary>Decides how <paramref name="to"/> answers.</summary>
    public void SetCallee(string to, CalleeBehavior behavior) => _callees[to] = behavior;

    /// <summary>The next call placed (in creation order).</summary>
    public async Task<EmulatedCall> WaitForCallAsync(CancellationToken cancellationToken = default) => await _placed.Reader.ReadAsync(cancellationToken);

    /// <summary>Called with an emulated call once it ended (for logs of the caller-side transcript).</summary>
    public Action<EmulatedCall>? CallEnded { get; set; }

    private void MapCallRoutes(WebApplication app) => app.MapPost("/2010-04-01/Accounts/{account}/Calls.json", CreateCallAsync);

    private async Task<IResult> CreateCallAsync(HttpContext context, string account)
    {
        if (!Authorized(context.Request.Headers.Authorization.ToString()) || account != accountSid)
            return Error(401, 20003, "Authenticate");
        if (_faults.TryDequeue(out var status)) return Error(status, status == 404 ? 20404 : 20500, "Injected fault (emulator)");
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string? One(string name) => form.TryGetValue(name, out var v) && v.Count > 0 ? v[^1] : null;
        var to = One("To");
        var from = One("From");
        var url = One("Url");
        var twiml = One("Twiml");
        if (to is null || !IsPhoneNumber(to)) return Error(400, 21211, $"Invalid 'To' Phone Number: {to}");
        if (from is null || !IsPhoneNumber(from)) return Error(400, 21212, $"Invalid 'From' Phone Number: {from}");
        if (url is null && twiml is null && One("ApplicationSid") is null) return Error(400, 21205, "Url parameter is required.");
        if (url is not null && twiml is not null) return Error(400, 21205, "Either Url or Twiml is required, not both");
        if (url is not null && !Uri.TryCreate(url, UriKind.Absolute, out _)) return Error(400, 21205, "Url is not a valid URL: " + url);
        if (twiml is { Length: > 4000 }) return Error(400, 21220, "Twiml is longer than 4000 characters");
        if (One("MachineDetection") is { } amd && amd is not ("Enable" or "DetectMessageEnd")) return Error(400, 21202, "MachineDetection must be Enable or DetectMessageEnd");
        if (One("Timeout") is { } timeout && (!int.TryParse(timeout, NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) || t is < 1 or > 600))
            return Error(400, 21201, "Timeout must be 1..600");
        // Array parameters arrive as repeated keys (space-separated also accepted).
        var events = form.TryGetValue("StatusCallbackEvent", out var ev) ? ev.SelectMany(e => (e ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal) : [];
        var parameters = form.ToDictionary(f => f.Key, f => string.Join(' ', f.Value.ToArray()), StringComparer.Ordinal);

        var sid = "CA" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var behavior = _callees.TryGetValue(to, out var b) ? b : DefaultCallee(to);
        var call = new EmulatedCall(sid, accountSid, to, from, parameters, events, behavior, authToken, _callbackHttp, Route, ApplyTwiml, OnStatusPosted);
        _calls[sid] = call;
        _creates.Enqueue(call);
        _running.Add(Task.Run(async () =>
        {
            await call.RunAsync();
            CallEnded?.Invoke(call);
        }));
        _placed.Writer.TryWrite(call);
        var body = new Dictionary<string, string?>
        {
            ["sid"] = sid, ["account_sid"] = accountSid, ["to"] = to, ["from"] = from, ["status"] = "queued", ["direction"] = "outbound-api",
            ["api_version"] = "2010-04-01", ["answered_by"] = null, ["queue_time"] = "0", ["price_unit"] = "USD",
            ["uri"] = $"/2010-04-01/Accounts/{accountSid}/Calls/{sid}.json",
        };
        return Results.Text(JsonSerializer.Serialize(body, TwilioRestJsonContext.Default.DictionaryStringString), "application/json", Encoding.UTF8, 201);
    }

    private void OnStatusPosted(TwilioStatusCallback callback)
    {
        _callbacks.Enqueue(callback);
        _callbackFeed.Writer.TryWrite(callback);
    }

    private void OnCallUpdated(TwilioCallUpdate update)
    {
        if (_calls.TryGetValue(update.CallSid, out var call)) _running.Add(call.OnUpdateAsync(update.Parameters));
    }

    private static bool IsPhoneNumber(string value)
        => value.StartsWith("client:", StringComparison.Ordinal) || value.StartsWith("sip:", StringComparison.Ordinal)
        || (value.Length is >= 8 and <= 16 && value[0] == '+' && value[1..].All(char.IsAsciiDigit));

    /// <summary>Waits for every emulated call to finish (tests call this before disposing the server).</summary>
    public async Task WhenCallsEndedAsync(CancellationToken cancellationToken = default)
        => await Task.WhenAll(_running.ToArray()).WaitAsync(cancellationToken);
}

/// <summary>A status callback a created call posted, and the HTTP status the server answered (0: unreachable).</summary>
public sealed record TwilioStatusCallback(string CallSid, string CallStatus, int AnsweredStatus);
