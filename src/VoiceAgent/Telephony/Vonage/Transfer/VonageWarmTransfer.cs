using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;
using VoiceAgent.Telephony.Handoff;
using VoiceAgent.Telephony.Twilio.Transfer;
using VoiceAgent.Telephony.Vonage.Rest;

namespace VoiceAgent.Telephony.Vonage.Transfer;

/// <summary>
/// The warm transfer on Vonage, mirroring the Twilio one: after the caller has heard the hand-off line, the caller's leg
/// is moved over REST into a named conversation with hold music, the agent's number is dialled with an NCCO that speaks
/// the brief and then joins that conversation, and the AI leaves (its WebSocket leg ends). Whenever no person can be
/// reached — no application credentials or number, a REST error, the agent's leg busy, unanswered, rejected, timed out
/// or failed — the caller is told and offered voicemail for a call back. A caller who hangs up while the agent's phone
/// still rings gets that leg hung up, so no one answers into an empty conversation.
/// </summary>
internal sealed partial class VonageWarmTransfer(VonageRestClient? rest, WarmTransferOptions options, TimeProvider clock, ILogger<VonageWarmTransfer> logger)
{
    public const string AgentEventPath = "/vonage/transfer/agent-event";
    public const string VoicemailPath = "/vonage/transfer/voicemail";

    /// <summary>Vonage rings for at most 120 s (<c>ringing_timer</c>).</summary>
    private const int MaxRingingSeconds = 120;
    private static readonly TimeSpan PendingMemory = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, PendingAgentLeg> _pending = new(StringComparer.Ordinal);

    public WarmTransferOptions Options => options;

    /// <summary>
    /// Hands the caller's leg <paramref name="callUuid"/> to a person when <paramref name="handoffData"/> asks for one.
    /// Returns false when it does not, or when the call could not be moved at all (the WebSocket then just closes).
    /// </summary>
    public async Task<bool> TryTransferAsync(string callUuid, string? dialledNumber, string? handoffData, CancellationToken ct)
    {
        if (TransferBrief.FromHandoffData(handoffData) is not { } brief) return false;
        if (rest is null)
        {
            LogFailed(logger, callUuid, "no Vonage application credentials (VONAGE_APPLICATION_ID)");
            return false;
        }
        var room = VonageTransferNcco.RoomFor(callUuid);
        var reachable = options.AgentNumber is not null;
        if (!reachable) LogFailed(logger, callUuid, "no TRANSFER_NUMBER configured");
        if (!await MoveAsync(callUuid, reachable ? VonageTransferNcco.Customer(room, options.HoldMusicUrl) : VoicemailNcco(), ct))
            return reachable && await MoveAsync(callUuid, VoicemailNcco(), ct); // a REST error moving the caller: voicemail is the second try
        if (reachable && !await DialAgentAsync(callUuid, dialledNumber, room, brief, ct))
            await MoveAsync(callUuid, VoicemailNcco(), ct);
        return true;
    }

    /// <summary>
    /// An event of the agent's leg (its <c>event_url</c>): a leg that ended busy, unanswered, rejected, timed out, failed
    /// or cancelled sends the waiting caller to voicemail — unless the caller already hung up. Returns whether the caller was moved.
    /// </summary>
    public async Task<bool> OnAgentEventAsync(string customerUuid, string? status, CancellationToken ct)
    {
        if (status is "completed")
        {
            _pending.TryRemove(customerUuid, out _);
            return false;
        }
        if (status is not ("busy" or "timeout" or "unanswered" or "rejected" or "failed" or "cancelled")) return false;
        if (_pending.TryRemove(customerUuid, out var pending) && pending.CallerGone) return false;
        LogAgentUnreached(logger, customerUuid, status);
        return await MoveAsync(customerUuid, VoicemailNcco(), ct);
    }

    /// <summary>
    /// An event of any leg on the application's event URL: the caller's leg <c>completed</c> while the agent's phone was
    /// being dialled hangs the agent's leg up. Returns whether a leg was hung up.
    /// </summary>
    public async Task<bool> OnCallEventAsync(string uuid, string? status, CancellationToken ct)
    {
        if (status != "completed" || rest is null || !_pending.TryGetValue(uuid, out var pending)) return false;
        if (pending.CallerHungUp() is not { } agentLeg) return false; // not dialled yet: the dial hangs it up on return
        return await HangUpAgentAsync(uuid, agentLeg, ct);
    }

    private string VoicemailNcco() => VonageTransferNcco.Voicemail(options, new Uri(options.PublicBaseUrl, VoicemailPath));

    private async Task<bool> DialAgentAsync(string customerUuid, string? dialledNumber, string room, TransferBrief brief, CancellationToken ct)
    {
        Sweep();
        var pending = _pending[customerUuid] = new PendingAgentLeg(clock.GetUtcNow());
        var eventUrl = new Uri(options.PublicBaseUrl, $"{AgentEventPath}?customer={Uri.EscapeDataString(customerUuid)}");
        var call = new VonageCallRequest(options.AgentNumber!, options.CallerId ?? dialledNumber ?? options.AgentNumber!, VonageTransferNcco.Agent(room, brief), eventUrl,
            Math.Min(options.RingTimeoutSeconds, MaxRingingSeconds));
        try
        {
            var agentLeg = await rest!.CreateCallAsync(call, ct);
            LogDialled(logger, customerUuid, agentLeg);
            if (pending.Dialled(agentLeg)) await HangUpAgentAsync(customerUuid, agentLeg, ct);
            return true;
        }
        catch (Exception ex) when (ex is VonageRestException or HttpRequestException or TaskCanceledException)
        {
            _pending.TryRemove(customerUuid, out _);
            LogFailed(logger, customerUuid, LogValues.MaskPhoneNumbers(ex.Message));
            return false;
        }
    }

    private async Task<bool> HangUpAgentAsync(string customerUuid, string agentLeg, CancellationToken ct)
    {
        try
        {
            await rest!.HangUpAsync(agentLeg, ct);
            LogAgentCancelled(logger, customerUuid, agentLeg);
            return true;
        }
        catch (Exception ex) when (ex is VonageRestException or HttpRequestException or TaskCanceledException)
        {
            LogFailed(logger, customerUuid, LogValues.MaskPhoneNumbers(ex.Message));
            return false;
        }
    }

    private async Task<bool> MoveAsync(string uuid, string ncco, CancellationToken ct)
    {
        try
        {
            await rest!.TransferAsync(uuid, ncco, ct);
            return true;
        }
        catch (Exception ex) when (ex is VonageRestException or HttpRequestException or TaskCanceledException)
        {
            LogFailed(logger, uuid, LogValues.MaskPhoneNumbers(ex.Message));
            return false;
        }
    }

    /// <summary>Forgets dials whose final status never came (a lost webhook), so the table stays bounded.</summary>
    private void Sweep()
    {
        var now = clock.GetUtcNow();
        foreach (var (uuid, pending) in _pending)
            if (now - pending.StartedAt > PendingMemory) _pending.TryRemove(uuid, out _);
    }

    [LoggerMessage(EventId = EventIds.VonageTransferDialled, Level = LogLevel.Information, Message = "Call {CallId}: Vonage warm transfer, agent leg {AgentLeg} dialled with the brief")]
    private static partial void LogDialled(ILogger logger, string callId, string agentLeg);

    [LoggerMessage(EventId = EventIds.VonageTransferFailed, Level = LogLevel.Warning, Message = "Call {CallId}: Vonage warm transfer step failed ({Reason}); the caller is offered voicemail")]
    private static partial void LogFailed(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = EventIds.VonageTransferAgentUnreached, Level = LogLevel.Warning, Message = "Call {CallId}: the agent leg ended {Status}; moving the caller to voicemail")]
    private static partial void LogAgentUnreached(ILogger logger, string callId, string status);

    [LoggerMessage(EventId = EventIds.VonageTransferAgentCancelled, Level = LogLevel.Information, Message = "Call {CallId}: the caller hung up during the transfer; agent leg {AgentLeg} hung up")]
    private static partial void LogAgentCancelled(ILogger logger, string callId, string agentLeg);
}
