using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VoiceAgent.Emulators.Hosting;

namespace VoiceAgent.Emulators.Vonage.Rest;

/// <summary>
/// The part of Vonage's Voice API the warm transfer uses, over a real socket: <c>PUT /v1/calls/{uuid}</c> (<c>transfer</c>
/// to an inline NCCO, <c>hangup</c>; 204) and <c>POST /v1/calls</c> (a phone leg running an inline NCCO; 201 with
/// <c>uuid</c>, <c>status</c>, <c>direction</c>, <c>conversation_uuid</c>). Every request must carry an application JWT
/// (<see cref="VonageApplicationJwtCheck"/>); problems answer 4xx with Vonage's problem JSON. Created legs play out as
/// Vonage does: <c>started</c>, <c>ringing</c>, then <c>answered</c> (the NCCO runs: <c>talk</c> is heard, <c>conversation</c>
/// joins the room) or an unanswered end, each posted to the leg's <c>event_url</c> signed like every Vonage webhook.
/// Faults: the next request's status (<see cref="FailNext"/>), a delay before every answer (<see cref="Latency"/>), and
/// each number's outcome (<see cref="AnswerAs"/>).
/// </summary>
public sealed class VonageRestEmulator : EmulatorHost
{
    private readonly VonageApplicationJwtCheck _jwt;
    private readonly string _signatureSecret;
    private readonly ConcurrentDictionary<string, Leg> _legs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, VonageEmulatedConversation> _conversations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, VonageCallOutcome> _outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<int> _faults = new();
    private readonly ConcurrentQueue<int> _createFaults = new();
    private readonly ConcurrentQueue<VonageCallUpdate> _updates = new();
    private readonly ConcurrentQueue<VonageCreatedCall> _created = new();
    private readonly ConcurrentQueue<VonagePostedEvent> _events = new();
    private readonly Channel<VonageCallUpdate> _updateFeed = Channel.CreateUnbounded<VonageCallUpdate>();
    private readonly Channel<VonageCreatedCall> _createdFeed = Channel.CreateUnbounded<VonageCreatedCall>();
    private readonly Channel<VonagePostedEvent> _eventFeed = Channel.CreateUnbounded<VonagePostedEvent>();
    private readonly ConcurrentDictionary<(string Room, string Uuid), TaskCompletionSource<VonageConversationMember>> _joins = new();
    private readonly ConcurrentBag<Task> _running = [];
    private readonly HttpClient _webhookHttp = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly TimeProvider _clock;

    /// <param name="applicationId">The application whose JWTs are accepted.</param>
    /// <param name="applicationPublicKey">The application's public key (Vonage keeps it; the private key is the server's).</param>
    /// <param name="signatureSecret">The account signature secret event webhooks are signed with.</param>
    public VonageRestEmulator(string applicationId, RSA applicationPublicKey, string signatureSecret, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _jwt = new VonageApplicationJwtCheck(applicationId, applicationPublicKey, _clock);
        _signatureSecret = signatureSecret;
    }

    /// <summary>Maps a public webhook URL to where it is actually served (tests: the server under test on 127.0.0.1).</summary>
    public Func<Uri, Uri> Route { get; set; } = static uri => uri;

    /// <summary>Delay before every answer (a slow Vonage).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Every accepted <c>PUT /v1/calls/{uuid}</c>, in order.</summary>
    public IReadOnlyCollection<VonageCallUpdate> Updates => _updates;

    /// <summary>Every accepted <c>POST /v1/calls</c>, in order.</summary>
    public IReadOnlyCollection<VonageCreatedCall> CreatedCalls => _created;

    /// <summary>Every event posted to a leg's event URL, in order.</summary>
    public IReadOnlyCollection<VonagePostedEvent> Events => _events;

    /// <summary>The next request is answered with this HTTP status and a problem body.</summary>
    public void FailNext(int status) => _faults.Enqueue(status);

    /// <summary>The next <c>POST /v1/calls</c> is answered with this HTTP status and a problem body.</summary>
    public void FailNextCreate(int status) => _createFaults.Enqueue(status);

    /// <summary>What happens when <paramref name="number"/> (E.164, with or without the plus) is dialled; default answered.</summary>
    public void AnswerAs(string number, VonageCallOutcome outcome) => _outcomes[number.TrimStart('+')] = outcome;

    /// <summary>A live inbound call Vonage already has (the caller's leg, answered through the answer URL).</summary>
    public void AddInboundCall(string uuid, string from, string to) => _legs[uuid] = new Leg(uuid, to.TrimStart('+'), from.TrimStart('+'), null, "answered");

    /// <summary>The status of a leg: <c>answered</c>, <c>ringing</c>, or how it ended.</summary>
    public string? LegStatus(string uuid) => _legs.TryGetValue(uuid, out var leg) ? leg.Status : null;

    /// <summary>What a leg heard (its <c>talk</c> actions), in order.</summary>
    public IReadOnlyList<string> Heard(string uuid) => _legs.TryGetValue(uuid, out var leg) ? leg.Heard : [];

    /// <summary>The conversation with this name, once a leg joined it.</summary>
    public VonageEmulatedConversation? Conversation(string name) => _conversations.GetValueOrDefault(name);

    public async Task<VonageCallUpdate> WaitForUpdateAsync(CancellationToken cancellationToken = default) => await _updateFeed.Reader.ReadAsync(cancellationToken);

    public async Task<VonageCreatedCall> WaitForCreatedCallAsync(CancellationToken cancellationToken = default) => await _createdFeed.Reader.ReadAsync(cancellationToken);

    public async Task<VonagePostedEvent> WaitForEventAsync(CancellationToken cancellationToken = default) => await _eventFeed.Reader.ReadAsync(cancellationToken);

    /// <summary>Completes when leg <paramref name="uuid"/> has joined the conversation <paramref name="name"/>.</summary>
    public Task<VonageConversationMember> WaitForMemberAsync(string name, string uuid)
        => _joins.GetOrAdd((name, uuid), _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Waits for every leg's events to be delivered (tests call this before disposing the server).</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken = default) => await Task.WhenAll(_running.ToArray()).WaitAsync(cancellationToken);

    protected override void MapRoutes(WebApplication app)
    {
        app.MapPut("/v1/calls/{uuid}", UpdateAsync);
        app.MapPost("/v1/calls", (Delegate)CreateAsync);
    }

    private async Task<IResult> UpdateAsync(HttpContext context, string uuid)
    {
        if (await RefuseAsync(context) is { } refused) return refused;
        JsonNode? body;
        try { body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted); }
        catch (JsonException) { return Problem(400, "Bad Request", "The body is not JSON."); }
        var action = body?["action"]?.GetValue<string>();
        if (!_legs.TryGetValue(uuid, out var leg) || leg.Ended) return Problem(404, "Not Found", $"Call {uuid} was not found or has ended.");
        switch (action)
        {
            case "transfer":
                var destination = body!["destination"];
                if (destination?["type"]?.GetValue<string>() != "ncco") return Problem(400, "Bad Request", "destination.type must be ncco.");
                if ((destination["ncco"] is null) == (destination["url"] is null)) return Problem(400, "Bad Request", "destination needs exactly one of ncco or url.");
                if (destination["ncco"] is not JsonArray ncco) return Problem(400, "Bad Request", "Only an inline ncco is emulated.");
                if (NccoProblem(ncco) is { } problem) return Problem(400, "Bad Request", problem);
                Record(new VonageCallUpdate(uuid, "transfer", ncco.ToJsonString()));
                RunNcco(leg, ncco);
                return Results.StatusCode(204);
            case "hangup":
                Record(new VonageCallUpdate(uuid, "hangup", null));
                _running.Add(HangUpAsync(leg));
                return Results.StatusCode(204);
            case "mute" or "unmute" or "earmuff" or "unearmuff":
                Record(new VonageCallUpdate(uuid, action, null));
                return Results.StatusCode(204);
            default:
                return Problem(400, "Bad Request", $"Unknown action '{action}'.");
        }
    }

    private async Task<IResult> CreateAsync(HttpContext context)
    {
        if (await RefuseAsync(context) is { } refused) return refused;
        if (_createFaults.TryDequeue(out var fault)) return Problem(fault, fault >= 500 ? "Internal Server Error" : "Error", "Injected fault (emulator).");
        JsonNode? body;
        try { body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted); }
        catch (JsonException) { return Problem(400, "Bad Request", "The body is not JSON."); }
        var to = body?["to"] is JsonArray toList && toList.Count == 1 && toList[0]?["type"]?.GetValue<string>() == "phone" ? toList[0]!["number"]?.GetValue<string>() : null;
        var from = body?["from"]?["type"]?.GetValue<string>() == "phone" ? body["from"]!["number"]?.GetValue<string>() : null;
        if (to is null || !IsNumber(to)) return Problem(400, "Bad Request", "to must be one phone endpoint with an E.164 number without the plus.");
        if (from is null || !IsNumber(from)) return Problem(400, "Bad Request", "from must be a phone endpoint with an E.164 number without the plus.");
        if (body!["ncco"] is not JsonArray ncco) return Problem(400, "Bad Request", "ncco (or answer_url, not emulated) is required.");
        if (NccoProblem(ncco) is { } problem) return Problem(400, "Bad Request", problem);
        var eventUrl = body["event_url"] is JsonArray urls && urls.Count == 1 ? urls[0]?.GetValue<string>() : null;
        if (eventUrl is null || !Uri.TryCreate(eventUrl, UriKind.Absolute, out _)) return Problem(400, "Bad Request", "event_url must be an array of one absolute URL.");
        var ringing = body["ringing_timer"]?.GetValue<int>() ?? 60;
        if (ringing is < 1 or > 120) return Problem(400, "Bad Request", "ringing_timer must be 1..120.");

        var uuid = Guid.NewGuid().ToString();
        var leg = new Leg(uuid, to, from, eventUrl, "started");
        _legs[uuid] = leg;
        var created = new VonageCreatedCall(uuid, to, from, ncco.ToJsonString(), eventUrl, ringing);
        _created.Enqueue(created);
        _createdFeed.Writer.TryWrite(created);
        _running.Add(Task.Run(() => PlayOutAsync(leg, ncco)));
        var response = $$"""{"uuid":"{{uuid}}","status":"started","direction":"outbound","conversation_uuid":"CON-{{uuid}}"}""";
        return Results.Text(response, "application/json", Encoding.UTF8, 201);
    }

    /// <summary>The created leg after the 201: started, then its scripted outcome.</summary>
    private async Task PlayOutAsync(Leg leg, JsonArray ncco)
    {
        await PostEventAsync(leg, "started");
        var outcome = _outcomes.GetValueOrDefault(leg.To, VonageCallOutcome.Answered);
        switch (outcome)
        {
            case VonageCallOutcome.Busy or VonageCallOutcome.Failed or VonageCallOutcome.Rejected:
                await EndAsync(leg, outcome.ToString().ToLowerInvariant());
                return;
        }
        leg.Status = "ringing";
        await PostEventAsync(leg, "ringing");
        switch (outcome)
        {
            case VonageCallOutcome.Timeout or VonageCallOutcome.Unanswered:
                await EndAsync(leg, outcome.ToString().ToLowerInvariant());
                return;
            case VonageCallOutcome.KeepsRinging:
                return; // until PUT hangup
        }
        leg.Status = "answered";
        await PostEventAsync(leg, "answered");
        RunNcco(leg, ncco);
    }

    private async Task HangUpAsync(Leg leg)
    {
        var status = leg.Status == "answered" ? "completed" : "cancelled";
        await EndAsync(leg, status);
    }

    private async Task EndAsync(Leg leg, string status)
    {
        if (!leg.End(status)) return;
        foreach (var room in _conversations.Values) room.Leave(leg.Uuid);
        await PostEventAsync(leg, status);
    }

    /// <summary>Runs an NCCO on a leg: <c>talk</c> is heard, <c>record</c> starts a message, <c>conversation</c> joins (and waits there).</summary>
    private void RunNcco(Leg leg, JsonArray ncco)
    {
        foreach (var room in _conversations.Values) room.Leave(leg.Uuid); // a new NCCO ends what the leg was doing
        var heard = new List<string>();
        foreach (var action in ncco.OfType<JsonObject>())
        {
            switch (action["action"]!.GetValue<string>())
            {
                case "talk":
                    var text = action["text"]!.GetValue<string>();
                    heard.Add(text);
                    leg.Hear(text);
                    break;
                case "record":
                    leg.Hear(action["beepStart"]?.GetValue<bool>() == true ? "[beep]" : "[recording]");
                    break;
                case "conversation":
                    var name = action["name"]!.GetValue<string>();
                    var member = new VonageConversationMember(leg.Uuid, action["startOnEnter"]?.GetValue<bool>() ?? true, action["endOnExit"]?.GetValue<bool>() ?? false,
                        action["musicOnHoldUrl"] is JsonArray music ? music.Select(m => m!.GetValue<string>()).ToList() : [], string.Join(" ", heard));
                    _conversations.GetOrAdd(name, n => new VonageEmulatedConversation(n)).Join(member);
                    _joins.GetOrAdd((name, leg.Uuid), _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(member);
                    return;
            }
        }
    }

    private static string? NccoProblem(JsonArray ncco)
    {
        if (ncco.Count == 0) return "The NCCO is empty.";
        foreach (var node in ncco)
        {
            if (node is not JsonObject action || action["action"]?.GetValue<string>() is not { } name) return "Every NCCO action is an object with an action.";
            switch (name)
            {
                case "talk" when action["text"]?.GetValue<string>() is not { Length: > 0 and <= 1500 }:
                    return "talk needs a text of 1..1500 characters.";
                case "conversation" when action["name"]?.GetValue<string>() is not { Length: > 0 }:
                    return "conversation needs a name.";
                case "conversation" when action["musicOnHoldUrl"] is { } music && (music is not JsonArray list || list.Count != 1):
                    return "musicOnHoldUrl must be an array of one URL.";
                case "record" when action["eventUrl"] is { } url && url is not JsonArray:
                    return "eventUrl must be an array.";
                case "talk" or "conversation" or "record" or "connect" or "stream" or "input" or "notify" or "wait":
                    break;
                default:
                    return $"Unknown NCCO action '{name}'.";
            }
        }
        return null;
    }

    private async Task PostEventAsync(Leg leg, string status)
    {
        if (leg.EventUrl is null) return;
        var body = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["from"] = leg.From, ["to"] = leg.To, ["uuid"] = leg.Uuid, ["conversation_uuid"] = "CON-" + leg.Uuid, ["status"] = status,
            ["direction"] = "outbound", ["timestamp"] = _clock.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        }.ToJsonString());
        var publicUrl = new Uri(leg.EventUrl);
        int answered;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Route(publicUrl)) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", VonageWebhookSigner.Sign(_signatureSecret, body, _clock.GetUtcNow()));
            using var response = await _webhookHttp.SendAsync(request);
            answered = (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            answered = 0;
        }
        var posted = new VonagePostedEvent(leg.Uuid, status, answered);
        _events.Enqueue(posted);
        _eventFeed.Writer.TryWrite(posted);
    }

    private async Task<IResult?> RefuseAsync(HttpContext context)
    {
        if (Latency > TimeSpan.Zero) await Task.Delay(Latency, context.RequestAborted);
        if (_jwt.Refusal(context.Request.Headers.Authorization.ToString()) is { } why) return Problem(401, "Unauthorized", "Invalid token: " + why + ".");
        if (_faults.TryDequeue(out var status)) return Problem(status, status >= 500 ? "Internal Server Error" : "Error", "Injected fault (emulator).");
        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true) return Problem(415, "Unsupported Media Type", "Send application/json.");
        return null;
    }

    private void Record(VonageCallUpdate update)
    {
        _updates.Enqueue(update);
        _updateFeed.Writer.TryWrite(update);
    }

    private static bool IsNumber(string value) => value.Length is >= 7 and <= 15 && value.All(char.IsAsciiDigit);

    /// <summary>Vonage's problem-details error body.</summary>
    private static IResult Problem(int status, string title, string detail)
    {
        var body = new JsonObject
        {
            ["type"] = "https://developer.nexmo.com/api-errors#" + title.ToLowerInvariant().Replace(' ', '-'),
            ["title"] = title,
            ["detail"] = detail,
            ["instance"] = Guid.NewGuid().ToString(),
        }.ToJsonString();
        return Results.Text(body, "application/json", Encoding.UTF8, status);
    }

    private sealed class Leg(string uuid, string to, string from, string? eventUrl, string status)
    {
        private readonly Lock _lock = new();
        private readonly List<string> _heard = [];
        private string _status = status;
        private bool _ended;

        public string Uuid => uuid;
        public string To => to;
        public string From => from;
        public string? EventUrl => eventUrl;
        public string Status { get { lock (_lock) return _status; } set { lock (_lock) _status = value; } }
        public bool Ended { get { lock (_lock) return _ended; } }
        public IReadOnlyList<string> Heard { get { lock (_lock) return [.. _heard]; } }

        public void Hear(string text) { lock (_lock) _heard.Add(text); }

        /// <summary>Ends the leg once; false when it had ended already.</summary>
        public bool End(string finalStatus)
        {
            lock (_lock)
            {
                if (_ended) return false;
                _ended = true;
                _status = finalStatus;
                return true;
            }
        }
    }
}
