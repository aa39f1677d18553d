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
/// Conferences and participants (twilio-conference-transfer.md): a call running <c>&lt;Dial&gt;&lt;Conference&gt;</c> — a
/// created call's inline <c>Twiml</c> once answered, a live call updated with it, or TwiML the test says Twilio ran
/// (<see cref="ExecuteTwiml"/>) — joins the room; the first participant's <c>statusCallback</c> gets the room's events
/// (<c>participant-leave</c> when a caller hangs up, <see cref="CallerHangsUpAsync"/>), signed like every Twilio webhook.
/// <c>GET …/Conferences.json</c> and <c>GET …/Conferences/{Sid}/Participants.json</c> list them.
/// </summary>
public sealed partial class TwilioRestEmulator
{
    private readonly ConcurrentDictionary<string, EmulatedConference> _conferences = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Room, string Label), TaskCompletionSource<EmulatedParticipant>> _joins = new();
    private int _conferenceSequence;

    /// <summary>Completes when a participant with <paramref name="label"/> has joined the room <paramref name="friendlyName"/>.</summary>
    public Task<EmulatedParticipant> WaitForParticipantAsync(string friendlyName, string label)
        => _joins.GetOrAdd((friendlyName, label), _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>The room with this friendly name, if any call joined it.</summary>
    public EmulatedConference? Conference(string friendlyName) => _conferences.GetValueOrDefault(friendlyName);

    /// <summary>Twilio runs <paramref name="twiml"/> on the live call <paramref name="callSid"/> (e.g. the answer to a <c>&lt;Connect action&gt;</c> callback a test followed).</summary>
    public void ExecuteTwiml(string callSid, string twiml) => ApplyTwiml(callSid, twiml);

    /// <summary>
    /// The caller on <paramref name="callSid"/> hangs up: it leaves its room, the room's <c>statusCallback</c> gets
    /// <c>participant-leave</c> when it asked for <c>leave</c>, and a participant with <c>endConferenceOnExit</c> ends the
    /// room for everyone. Returns the HTTP status the callback was answered with (0: none sent or unreachable).
    /// </summary>
    public async Task<int> CallerHangsUpAsync(string callSid)
    {
        var answered = 0;
        foreach (var room in _conferences.Values)
        {
            if (room.Participants.FirstOrDefault(p => p.CallSid == callSid) is not { } leaving) continue;
            room.Leave(callSid);
            if (room.StatusCallback is { } url && room.StatusCallbackEvents.Contains("leave"))
                answered = await PostConferenceEventAsync(room, leaving, url);
            if (!leaving.EndConferenceOnExit) continue;
            foreach (var other in room.Participants)
            {
                room.Leave(other.CallSid);
                if (_calls.TryGetValue(other.CallSid, out var call)) call.HangUp();
            }
        }
        return answered;
    }

    private async Task<int> PostConferenceEventAsync(EmulatedConference room, EmulatedParticipant participant, string url)
    {
        List<KeyValuePair<string, string>> form =
        [
            new("AccountSid", accountSid), new("ConferenceSid", room.Sid), new("FriendlyName", room.FriendlyName),
            new("StatusCallbackEvent", "participant-leave"), new("CallSid", participant.CallSid), new("ParticipantLabel", participant.Label ?? ""),
            new("Muted", "false"), new("Hold", "false"), new("Coaching", "false"),
            new("StartConferenceOnEnter", participant.StartConferenceOnEnter ? "true" : "false"), new("EndConferenceOnExit", participant.EndConferenceOnExit ? "true" : "false"),
            new("ParticipantCallStatus", "completed"), new("ReasonParticipantLeft", "participant_hung_up"),
            new("Timestamp", DateTimeOffset.UtcNow.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)),
            new("SequenceNumber", Interlocked.Increment(ref _conferenceSequence).ToString(CultureInfo.InvariantCulture)),
        ];
        var publicUrl = new Uri(url);
        try
        {
            using var request = new TwilioRequestSigner(authToken).CreateFormPost(Route(publicUrl), publicUrl.ToString(), form);
            using var response = await _callbackHttp.SendAsync(request);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    private void MapConferenceRoutes(WebApplication app)
    {
        app.MapGet("/2010-04-01/Accounts/{account}/Conferences.json", ListConferences);
        app.MapGet("/2010-04-01/Accounts/{account}/Conferences/{conference}/Participants.json", ListParticipants);
    }

    /// <summary>A call now running <paramref name="twiml"/>: a <c>&lt;Dial&gt;&lt;Conference&gt;</c> puts it in that room (null: the call ended).</summary>
    private void ApplyTwiml(string callSid, string? twiml)
    {
        foreach (var other in _conferences.Values) other.Leave(callSid); // new TwiML (or the call's end) ends what the call was doing
        if (string.IsNullOrEmpty(twiml)) return;
        XDocument doc;
        try { doc = XDocument.Parse(twiml); }
        catch (System.Xml.XmlException) { return; }
        var conference = doc.Descendants("Conference").FirstOrDefault();
        if (conference is null) return;
        var said = string.Join(" ", conference.Parent!.ElementsBeforeSelf("Say").Select(s => s.Value));
        var name = conference.Value.Trim();
        var room = _conferences.GetOrAdd(name, n => new EmulatedConference("CF" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), n));
        var participant = new EmulatedParticipant(callSid, (string?)conference.Attribute("participantLabel"),
            (string?)conference.Attribute("startConferenceOnEnter") != "false", (string?)conference.Attribute("endConferenceOnExit") == "true",
            (string?)conference.Attribute("waitUrl"), said);
        room.Join(participant, (string?)conference.Attribute("statusCallback"), (string?)conference.Attribute("statusCallbackEvent"));
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

    /// <summary>The room's event callback: the first participant's <c>statusCallback</c> (later ones are ignored, as on Twilio).</summary>
    public string? StatusCallback { get; private set; }

    /// <summary>The events the room reports (<c>statusCallbackEvent</c>: start end join leave …).</summary>
    public IReadOnlySet<string> StatusCallbackEvents { get; private set; } = new HashSet<string>();

    internal void Join(EmulatedParticipant participant, string? statusCallback = null, string? statusCallbackEvents = null)
    {
        lock (_lock)
        {
            if (_participants.Count == 0 && StatusCallback is null && statusCallback is not null)
            {
                StatusCallback = statusCallback;
                StatusCallbackEvents = (statusCallbackEvents ?? "start end").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            }
            _participants.Add(participant);
        }
    }

    internal void Leave(string callSid) { lock (_lock) _participants.RemoveAll(p => p.CallSid == callSid); }
}
