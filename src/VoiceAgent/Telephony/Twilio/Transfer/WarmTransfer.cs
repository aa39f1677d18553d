using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;
using VoiceAgent.Telephony.Handoff;
using VoiceAgent.Telephony.Twilio.Rest;

namespace VoiceAgent.Telephony.Twilio.Transfer;

/// <summary>
/// The warm transfer to a person (twilio-conference-transfer.md §6): the caller waits in a conference with hold
/// audio, the agent's number is dialled over REST with TwiML that plays the brief and then joins the room, and the AI
/// is off the call (its session ended). Whenever no person can be reached — no number configured, a REST error, the
/// agent's leg busy, unanswered or failed — the caller is told and offered voicemail for a call back, never dropped.
/// A caller who leaves the room while the agent's phone still rings gets that leg cancelled over REST.
/// </summary>
internal sealed partial class WarmTransfer(TwilioRestClient? rest, WarmTransferOptions options, TimeProvider clock, ILogger<WarmTransfer> logger)
{
    private static readonly TimeSpan FailedRedirectMemory = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan PendingMemory = TimeSpan.FromHours(1);
    private static readonly IReadOnlyList<string> AgentLegEvents = ["answered", "completed"];
    private readonly ConcurrentDictionary<string, DateTimeOffset> _failedRedirects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingAgentLeg> _pending = new(StringComparer.Ordinal);

    public WarmTransferOptions Options => options;

    /// <summary>Whether the agent can be dialled over REST (credentials present); without them a relay hand-off falls back to a plain <c>&lt;Dial&gt;</c>.</summary>
    public bool CanDial => rest is not null;

    /// <summary>
    /// ConversationRelay: the <c>&lt;Connect action&gt;</c> callback after an <c>end</c> asking for a person. Dials the agent
    /// first; answers the conference TwiML for the caller, or the voicemail TwiML when the agent cannot be dialled.
    /// </summary>
    public async Task<string> AnswerRelayHandoffAsync(string customerCallSid, string? dialledNumber, TransferBrief brief, CancellationToken ct)
    {
        var room = ConferenceTwiml.RoomFor(customerCallSid);
        return await DialAgentAsync(customerCallSid, dialledNumber, room, brief, ct)
            ? CustomerTwiml(customerCallSid, room)
            : ConferenceTwiml.Voicemail(options);
    }

    /// <summary>
    /// Media Streams: moves the live call into the conference over REST (which ends the stream), then dials the agent;
    /// when the agent cannot be dialled the caller is moved on to voicemail. Returns false when the call could not be
    /// moved at all: the stream then closes and the stream's <c>&lt;Redirect&gt;</c> lands on
    /// <see cref="TakeFailedRedirect"/>, which answers voicemail.
    /// </summary>
    public async Task<bool> RedirectLiveCallAsync(string customerCallSid, string? dialledNumber, TransferBrief brief, CancellationToken ct)
    {
        var room = ConferenceTwiml.RoomFor(customerCallSid);
        var reachable = rest is not null && options.AgentNumber is not null;
        if (!await UpdateCallAsync(customerCallSid, reachable ? CustomerTwiml(customerCallSid, room) : ConferenceTwiml.Voicemail(options), ct))
        {
            RememberFailedRedirect(customerCallSid);
            return false;
        }
        if (reachable && !await DialAgentAsync(customerCallSid, dialledNumber, room, brief, ct))
            await UpdateCallAsync(customerCallSid, ConferenceTwiml.Voicemail(options), ct);
        return true;
    }

    /// <summary>
    /// The agent leg's status callback: a leg that ended busy, unanswered, failed or cancelled sends the waiting caller to
    /// voicemail. Returns whether the caller was moved.
    /// </summary>
    public async Task<bool> OnAgentLegStatusAsync(string customerCallSid, string? callStatus, CancellationToken ct)
    {
        if (callStatus == "in-progress" && _pending.TryGetValue(customerCallSid, out var answered)) answered.Answered();
        if (callStatus == "completed") _pending.TryRemove(customerCallSid, out _);
        if (callStatus is not ("busy" or "no-answer" or "failed" or "canceled")) return false;
        if (_pending.TryRemove(customerCallSid, out var pending) && pending.CallerGone) return false; // cancelled because the caller left
        LogAgentUnreached(logger, customerCallSid, callStatus);
        return await UpdateCallAsync(customerCallSid, ConferenceTwiml.Voicemail(options), ct);
    }

    /// <summary>
    /// The caller left the room (the conference's <c>participant-leave</c>) while the agent was being dialled: the agent's
    /// leg is cancelled (<c>canceled</c> while it rings, <c>completed</c> once answered). Returns whether a leg was ended.
    /// </summary>
    public async Task<bool> OnCallerLeftAsync(string customerCallSid, CancellationToken ct)
    {
        if (rest is null || !_pending.TryGetValue(customerCallSid, out var pending)) return false;
        if (pending.CallerHungUp() is not { } agentSid) return false; // not dialled yet: the dial ends it on return
        return await EndAgentLegAsync(customerCallSid, agentSid, pending.IsAnswered, ct);
    }

    private string CustomerTwiml(string customerCallSid, string room) => ConferenceTwiml.Customer(room, options.HoldMusicUrl,
        new Uri(options.PublicBaseUrl, $"{TransferEndpoints.ConferenceStatusPath}?customer={Uri.EscapeDataString(customerCallSid)}"));

    private async Task<bool> EndAgentLegAsync(string customerCallSid, string agentSid, bool answered, CancellationToken ct)
    {
        try
        {
            await rest!.HangUpAsync(agentSid, ct, ringing: !answered);
            LogAgentCancelled(logger, customerCallSid, agentSid);
            return true;
        }
        catch (Exception ex) when (ex is TwilioRestException or HttpRequestException or TaskCanceledException)
        {
            LogTransferFailed(logger, customerCallSid, LogValues.MaskPhoneNumbers(ex.Message));
            return false;
        }
    }

    /// <summary>True (once) when this call's move into the conference failed: the caller is then offered voicemail.</summary>
    public bool TakeFailedRedirect(string callSid)
    {
        var now = clock.GetUtcNow();
        foreach (var (sid, at) in _failedRedirects)
            if (now - at > FailedRedirectMemory) _failedRedirects.TryRemove(sid, out _);
        return _failedRedirects.TryRemove(callSid, out var failedAt) && now - failedAt <= FailedRedirectMemory;
    }

    private void RememberFailedRedirect(string callSid) => _failedRedirects[callSid] = clock.GetUtcNow();

    private async Task<bool> DialAgentAsync(string customerCallSid, string? dialledNumber, string room, TransferBrief brief, CancellationToken ct)
    {
        if (rest is null || options.AgentNumber is not { } agent)
        {
            LogTransferFailed(logger, customerCallSid, rest is null ? "no Twilio REST credentials" : "no TRANSFER_NUMBER configured");
            return false;
        }
        var status = new Uri(options.PublicBaseUrl, $"{TransferEndpoints.AgentStatusPath}?customer={Uri.EscapeDataString(customerCallSid)}");
        var now = clock.GetUtcNow();
        foreach (var (sid, old) in _pending)
            if (now - old.StartedAt > PendingMemory) _pending.TryRemove(sid, out _); // a final status that never came
        var pending = _pending[customerCallSid] = new PendingAgentLeg(now);
        try
        {
            var call = new CreateCallRequest(agent, options.CallerId ?? dialledNumber ?? agent, status, options.RingTimeoutSeconds, twiml: ConferenceTwiml.Agent(room, brief))
            {
                StatusEvents = AgentLegEvents,
            };
            var agentCall = await rest.CreateCallAsync(call, ct);
            LogDialled(logger, customerCallSid, agentCall.Sid);
            if (pending.Dialled(agentCall.Sid)) await EndAgentLegAsync(customerCallSid, agentCall.Sid, answered: false, ct);
            return true;
        }
        catch (Exception ex) when (ex is TwilioRestException or HttpRequestException or TaskCanceledException)
        {
            _pending.TryRemove(customerCallSid, out _);
            LogTransferFailed(logger, customerCallSid, LogValues.MaskPhoneNumbers(ex.Message));
            return false;
        }
    }

    private async Task<bool> UpdateCallAsync(string callSid, string twiml, CancellationToken ct)
    {
        if (rest is null)
        {
            LogTransferFailed(logger, callSid, "no Twilio REST credentials");
            return false;
        }
        try
        {
            await rest.UpdateCallTwimlAsync(callSid, twiml, ct);
            return true;
        }
        catch (Exception ex) when (ex is TwilioRestException or HttpRequestException or TaskCanceledException)
        {
            LogTransferFailed(logger, callSid, LogValues.MaskPhoneNumbers(ex.Message));
            return false;
        }
    }

    [LoggerMessage(EventId = EventIds.TransferDialled, Level = LogLevel.Information, Message = "Call {CallId}: warm transfer, agent leg {AgentCallSid} dialled with the brief")]
    private static partial void LogDialled(ILogger logger, string callId, string agentCallSid);

    [LoggerMessage(EventId = EventIds.TransferFailed, Level = LogLevel.Warning, Message = "Call {CallId}: warm transfer step failed ({Reason}); the caller is offered voicemail")]
    private static partial void LogTransferFailed(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = EventIds.TransferAgentCancelled, Level = LogLevel.Information, Message = "Call {CallId}: the caller left during the transfer; agent leg {AgentCallSid} cancelled")]
    private static partial void LogAgentCancelled(ILogger logger, string callId, string agentCallSid);

    [LoggerMessage(EventId = EventIds.TransferAgentUnreached, Level = LogLevel.Warning, Message = "Call {CallId}: the agent leg ended {Status}; moving the caller to voicemail")]
    private static partial void LogAgentUnreached(ILogger logger, string callId, string status);
}
