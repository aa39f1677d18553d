using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VoiceAgent.Emulators.Twilio.Rest;

/// <summary>
/// Conferences, participants and outbound call legs (twilio-conference-transfer.md, twilio-outbound-amd.md §1-3):
/// <c>POST …/Calls.json</c> creates a leg (201, Call resource, status <c>queued</c>) whose scripted outcome follows —
/// answered (the leg runs its TwiML: a <c>&lt;Dial&gt;&lt;Conference&gt;</c> joins the room) or busy / no-answer / failed,
/// posted to its <c>StatusCallback</c> signed like every Twilio webhook. A live call updated with conference TwiML
/// joins the room too. <c>GET …/Conferences.json</c> and <c>GET …/Conferences/{Sid}/Participants.json</c> list them.
/// </summary>
public sealed partial class TwilioRestEmulator
{
    private readonly ConcurrentDictionary<string, EmulatedConference> _conferences = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<TwilioCallCreate> _created = new();
    private readonly SemaphoreSlim _createdSignal = new(0);
    private readonly ConcurrentQueue<TwilioStatusCallback> _callbacks = new();
    private readonly SemaphoreSlim _callbackSignal = new(0);
    private readonly ConcurrentDictionary<(string Room, string Label), TaskCompletionSource<EmulatedParticipant>> _joins = new();
    private int _sequence;

    /// <summary>Completes when a participant with <paramref name="label"/> has joined the room <paramref name="friendlyName"/>.</summary>
    public Task<EmulatedParticipant> WaitForParticipantAsync(string friendlyName, string label)
        => _joins.GetOrAdd((friendlyName, label), _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Maps a public callback URL to the server that answers it (tests: the server under test on 127.0.0.1).</summary>
    public Func<Uri, Uri> CallbackRoute { get; set; } = static uri => uri;

    /// <summary>Every created call leg that runs inline TwiML (the warm transfer's agent leg), in order.</summary>
    public IReadOnlyCollection<TwilioCallCreate> CreatedLegs => _created;

    /// <summary>What happens when <paramref name="number"/> is dialled: <c>answered</c> (default), <c>busy</c>, <c>no-answer</c> or <c>failed</c>.</summary>
    public void AnswerAs(string number, string outcome) => _outcomes[number] = outcome;

    /// <summary>Waits for the next created call leg.</summary>
    public async Task<TwilioCallCreate> WaitForCreatedCallAsync(CancellationToken cancellationToken = default)
    {
        await _createdSignal.WaitAsync(cancellationToken);
        return _created.Last();
    }

    /// <summary>Waits for the next status callback the emulator delivered (and the answer it got).</summary>
    public async Task<TwilioStatusCallback> WaitForStatusCallbackAsync(CancellationToken cancellationToken = default)
    {
        await _callbackSignal.WaitAsync(cancellationToken);
        return _callbacks.Last();
    }

    /// <summary>The room with this friendly name, if any call joined it.</summary>
    public EmulatedConference? Conference(string friendlyName) => _conferences.GetValueOrDefault(friendlyName);

    private void MapConferenceRoutes(WebApplication app)
    {
        app.MapGet("/2010-04-01/Accounts/{account}/Conferences.json", ListConferences);
        app.MapGet("/2010-04-01/Accounts/{account}/Conferences/{conference}/Participants.json", ListParticipants);
    }

    /// <summary>A <c>Calls.json</c> create with inline <c>Twiml</c> (authorised by the caller): a leg whose outcome is scripted by <see cref="AnswerAs"/>.</summary>
    private IResult CreateLeg(IFormCollection form)
    {
        var to = form["To"].ToString();
        var from = form["From"].ToString();
        if (to.Length == 0) return Error(400, 21201, "No 'To' number is specified");
        if (from.Length == 0) return Error(400, 21213, "No 'From' number is specified");
        var twiml = form["Twiml"].ToString();
        var url = form["Url"].ToString();
        if ((twiml.Length == 0) == (url.Length == 0)) return Error(400, 21205, "Either Url or Twiml is required, not both");
        var sid = "CA" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var created = new TwilioCallCreate(sid, to, from, twiml, form["StatusCallback"].ToString(), form["StatusCallbackEvent"].Select(e => e ?? "").ToList(),
            int.TryParse(form["Timeout"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var timeout) ? timeout : 60);
        if (created.TimeoutSeconds is < 1 or > 600) return Error(400, 21210, "Timeout must be between 1 and 600");
        _created.Enqueue(created);
        _createdSignal.Release();
        _ = Task.Run(() => RunLegAsync(created));
        return Results.Text(CallResource(created, "queued"), "application/json", Encoding.UTF8, 201);
    }

    /// <summary>The leg's scripted outcome, after the 201 went out (as Twilio dials after answering the request).</summary>
    private async Task RunLegAsync(TwilioCallCreate leg)
    {
        var outcome = _outcomes.GetValueOrDefault(leg.To, "answered");
        if (outcome == "answered")
        {
            ApplyTwiml(leg.CallSid, leg.Twiml);
            if (leg.StatusCallbackEvents.Contains("answered")) await PostStatusAsync(leg, "in-progress");
            return;
        }
        await PostStatusAsync(leg, outcome); // busy, no-answer, failed: reported as the "completed" event
    }

    private async Task PostStatusAsync(TwilioCallCreate leg, string callStatus)
    {
        if (leg.StatusCallback.Length == 0) return;
        List<KeyValuePair<string, string>> form =
        [
            new("AccountSid", accountSid), new("ApiVersion", "2010-04-01"), new("CallSid", leg.CallSid), new("Direction", "outbound-api"),
            new("From", leg.From), new("To", leg.To), new("Called", leg.To), new("Caller", leg.From), new("CallStatus", callStatus),
            new("Timestamp", DateTimeOffset.UtcNow.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)),
            new("CallbackSource", "call-progress-events"), new("SequenceNumber", Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture)),
        ];
        var publicUrl = new Uri(leg.StatusCallback);
        int answered;
        try
        {
            using var request = new TwilioRequestSigner(authToken).CreateFormPost(CallbackRoute(publicUrl), publicUrl.ToString(), form);
            using var response = await _callbackHttp.SendAsync(request);
            answered = (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            answered = 0;
        }
        _callbacks.Enqueue(new TwilioStatusCallback(leg.CallSid, callStatus, answered));
        _callbackSignal.Release();
    }

    /// <summary>A call now running <paramref name="twiml"/>: a <c>&lt;Dial&gt;&lt;Conference&gt;</c> puts it in that room.</summary>
    private void ApplyTwiml(string callSid, string? twiml)
    {
        if (string.IsNullOrEmpty(twiml)) return;
        XDocument doc;
        try { doc = XDocument.Parse(twiml); }
        catch (System.Xml.XmlException) { return; }
        foreach (var other in _conferences.Values) other.Leave(callSid); // new TwiML ends what the call was doing
        var conference = doc.Descendants("Conference").FirstOrDefault();
        if (conference is null) return;
        var said = string.Join(" ", conference.Parent!.ElementsBeforeSelf("Say").Select(s => s.Value));
        var name = conference.Value.Trim();
        var room = _conferences.GetOrAdd(name, n => new EmulatedConference("CF" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), n));
        var participant = new EmulatedParticipant(callSid, (string?)conference.Attribute("participantLabel"),
            (string?)conference.Attribute("startConferenceOnEnter") != "false", (string?)conference.Attribute("endConferenceOnExit") == "true",
            (string?)conference.Attribute("waitUrl"), said);
        room.Join(participant);
        if (participant.Label is { } label)
            _joins.GetOrAdd((name, label), _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(participant);
    }

    private IResult ListConferences(HttpContext context, string account)
    {
        if (!Authorized(context.Request.Headers.Authorization.ToString()) || account != accountSid) return Error(401, 20003, "Authenticate");
        var name = context.Request.Query["FriendlyName"].ToString();
        var status = context.Request.Query["Status"].ToString();
        var rooms = _conferences.Values.Where(c => (name.Length == 0 || c.FriendlyName == name) && (status.Length == 0 || c.Status == status)).ToList();
        return Json(w =>
        {
            w.WriteStartArray("conferences");
            foreach (var room in rooms) WriteConference(w, room);
            w.WriteEndArray();
            WritePage(w, $"/2010-04-01/Accounts/{accountSid}/Conferences.json");
        });
    }

    private IResult ListParticipants(HttpContext context, string account, string conference)
    {
        if (!Authorized(context.Request.Headers.Authorization.ToString()) || account != accountSid) return Error(401, 20003, "Authenticate");
        var room = _conferences.Values.FirstOrDefault(c => c.Sid == conference || c.FriendlyName == conference);
        if (room is null) return Error(404, 20404, $"The requested resource /2010-04-01/Accounts/{accountSid}/Conferences/{conference}/Participants.json was not found");
        return Json(w =>
        {
            w.WriteStartArray("participants");
            foreach (var p in room.Participants)
            {
                w.WriteStartObject();
                w.WriteString("account_sid", accountSid);
                w.WriteString("call_sid", p.CallSid);
                if (p.Label is null) w.WriteNull("label"); else w.WriteString("label", p.Label);
                w.WriteString("conference_sid", room.Sid);
                w.WriteBoolean("end_conference_on_exit", p.EndConferenceOnExit);
                w.WriteBoolean("start_conference_on_enter", p.StartConferenceOnEnter);
                w.WriteBoolean("muted", false);
                w.WriteBoolean("hold", false);
                w.WriteBoolean("coaching", false);
                w.WriteNull("call_sid_to_coach");
                w.WriteString("status", "connected");
                w.WriteString("uri", $"/2010-04-01/Accounts/{accountSid}/Conferences/{room.Sid}/Participants/{p.CallSid}.json");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            WritePage(w, $"/2010-04-01/Accounts/{accountSid}/Conferences/{room.Sid}/Participants.json");
        });
    }

    private void WriteConference(Utf8JsonWriter w, EmulatedConference room)
    {
        w.WriteStartObject();
        w.WriteString("account_sid", accountSid);
        w.WriteString("sid", room.Sid);
        w.WriteString("friendly_name", room.FriendlyName);
        w.WriteString("status", room.Status);
        w.WriteNull("reason_conference_ended");
        w.WriteString("api_version", "2010-04-01");
        w.WriteString("uri", $"/2010-04-01/Accounts/{accountSid}/Conferences/{room.Sid}.json");
        w.WriteStartObject("subresource_uris");
        w.WriteString("participants", $"/2010-04-01/Accounts/{accountSid}/Conferences/{room.Sid}/Participants.json");
        w.WriteString("recordings", $"/2010-04-01/Accounts/{accountSid}/Conferences/{room.Sid}/Recordings.json");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WritePage(Utf8JsonWriter w, string uri)
    {
        w.WriteNumber("page", 0);
        w.WriteNumber("page_size", 50);
        w.WriteString("first_page_uri", uri + "?PageSize=50&Page=0");
        w.WriteNull("next_page_uri");
        w.WriteNull("previous_page_uri");
        w.WriteNumber("start", 0);
        w.WriteNumber("end", 0);
        w.WriteString("uri", uri + "?PageSize=50&Page=0");
    }

    private string CallResource(TwilioCallCreate leg, string status)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("account_sid", accountSid);
            w.WriteNull("answered_by");
            w.WriteString("api_version", "2010-04-01");
            w.WriteString("direction", "outbound-api");
            w.WriteNull("duration");
            w.WriteString("from", leg.From);
            w.WriteNull("parent_call_sid");
            w.WriteString("queue_time", "0");
            w.WriteString("sid", leg.CallSid);
            w.WriteNull("start_time");
            w.WriteString("status", status);
            w.WriteString("to", leg.To);
            w.WriteString("uri", $"/2010-04-01/Accounts/{accountSid}/Calls/{leg.CallSid}.json");
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static IResult Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Results.Text(Encoding.UTF8.GetString(buffer.ToArray()), "application/json", Encoding.UTF8, 200);
    }
}

/// <summary>One created outbound leg: who is dialled, from where, the TwiML it runs when answered, its status callback.</summary>
public sealed record TwilioCallCreate(string CallSid, string To, string From, string Twiml, string StatusCallback, IReadOnlyList<string> StatusCallbackEvents, int TimeoutSeconds);

/// <summary>A status callback the emulator posted for a leg, and the HTTP status the server answered (0: unreachable).</summary>
public sealed record TwilioStatusCallback(string CallSid, string CallStatus, int AnsweredStatus);

/// <summary>A call in a conference room: its label, its start/end flags, the hold audio it waits with, what it heard before joining.</summary>
public sealed record EmulatedParticipant(string CallSid, string? Label, bool StartConferenceOnEnter, bool EndConferenceOnExit, string? WaitUrl, string SaidBeforeJoining);

/// <summary>A conference room: <c>init</c> until a participant with <c>startConferenceOnEnter</c> is in it, then <c>in-progress</c>.</summary>
public sealed class EmulatedConference(string sid, string friendlyName)
{
    private readonly Lock _lock = new();
    private readonly List<EmulatedParticipant> _participants = [];

    public string Sid => sid;
    public string FriendlyName => friendlyName;

    public IReadOnlyList<EmulatedParticipant> Participants { get { lock (_lock) return [.. _participants]; } }

    public string Status { get { lock (_lock) return _participants.Any(p => p.StartConferenceOnEnter) ? "in-progress" : "init"; } }

    public EmulatedParticipant? ByLabel(string label) => Participants.FirstOrDefault(p => p.Label == label);

    internal void Join(EmulatedParticipant participant) { lock (_lock) _participants.Add(participant); }

    internal void Leave(string callSid) { lock (_lock) _participants.RemoveAll(p => p.CallSid == callSid); }
}
