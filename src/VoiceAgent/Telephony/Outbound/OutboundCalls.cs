using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;
using VoiceAgent.Storage.Encryption;
using VoiceAgent.Storage.Outbound;
using VoiceAgent.Storage.Records;
using VoiceAgent.Telephony.Twilio.Rest;

namespace VoiceAgent.Telephony.Outbound;

/// <summary>
/// Places outbound calls through Twilio's <c>Calls.json</c> and acts on what Twilio reports back: records every status
/// callback (out-of-order safe), and on the answering-machine verdict leaves the voicemail once (on any instance) and
/// hangs up. A person, or an unknown verdict, simply keeps the conversation the answer TwiML started.
/// </summary>
internal sealed class OutboundCalls(
    OutboundSettings options,
    Uri publicBase,
    TwilioRestClient? rest,
    SqlOutboundStore store,
    RecordsStartup startup,
    TranscriptCipher cipher,
    CallerIdHasher hasher,
    VoicemailWriter voicemail,
    TimeProvider clock,
    ILogger<OutboundCalls> logger)
{
    public const string AnswerPath = "/twiml/outbound";
    public const string StatusPath = "/twiml/status";

    public OutboundSettings Options => options;

    /// <summary>Fired (in process) when a call reaches a final status, for the campaign queue.</summary>
    public event Func<OutboundCallRow, string, CancellationToken, Task>? Finished;

    public async Task<DialResult> DialAsync(DialRequest request, long? queueId, CancellationToken ct)
    {
        var transport = request.Transport?.ToLowerInvariant() ?? options.DefaultTransport;
        if (options.CallerId is not { } from || rest is null)
            return NotPlaced(DialOutcome.NotConfigured, options.CallerId is null ? "TWILIO_CALLER_ID is not set" : "TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN are not set");
        if (!PhoneNumber.IsE164(request.To)) return NotPlaced(DialOutcome.Invalid, "'to' must be an E.164 number such as +15558675310");
        if (transport is not ("relay" or "media")) return NotPlaced(DialOutcome.Invalid, "transport must be 'relay' or 'media'");
        if (OutboundParameters.Check(request.Context) is { } contextError) return NotPlaced(DialOutcome.Invalid, contextError);
        await startup.Migrated.WaitAsync(ct);
        var toHash = hasher.Hash(request.To);
        if (await store.IsDoNotCallAsync(toHash, ct)) return NotPlaced(DialOutcome.DoNotCall, "the number is on the do-not-call list");

        var id = "ob" + Guid.NewGuid().ToString("N");
        var sealedPayload = cipher.Seal(JsonSerializer.SerializeToUtf8Bytes(new OutboundPayload(request.To, request.Context), OutboundJsonContext.Default.OutboundPayload), Aad(id));
        var now = clock.GetUtcNow();
        await store.InsertCallAsync(new OutboundCallRow(id, null, queueId, toHash, transport, sealedPayload.KeyId, sealedPayload.Data, "queued", -1, null, false, now, now), ct);
        var callbacks = new Uri(publicBase, StatusPath + "?o=" + id);
        var call = new CreateCallRequest(request.To, from, callbacks, options.RingTimeoutSeconds, url: new Uri(publicBase, AnswerPath + "?o=" + id))
        {
            MachineDetection = options.TwilioMachineDetection,
            AmdCallback = callbacks,
            MachineDetectionTimeoutSeconds = options.MachineDetectionTimeoutSeconds,
        };
        try
        {
            var created = await rest.CreateCallAsync(call, ct);
            await store.SetCallSidAsync(id, created.Sid, ct);
            await store.AddEventAsync(new CallStatusEvent(id, created.Sid, "created", created.Status, null, clock.GetUtcNow()), ct);
            OutboundLog.Placed(logger, id, created.Sid, transport);
            return new DialResult(DialOutcome.Placed, created.Sid, id, created.Status);
        }
        catch (Exception ex) when (ex is TwilioRestException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            var rejected = ex is TwilioRestException { Status: >= 400 and < 500 and not 429 };
            await store.ApplyStatusAsync(id, "failed", int.MaxValue, clock.GetUtcNow(), CancellationToken.None);
            await store.AddEventAsync(new CallStatusEvent(id, null, "create-failed", ex is TwilioRestException t ? $"{t.Status} {t.Code}" : ex.GetType().Name, null, clock.GetUtcNow()), CancellationToken.None);
            return NotPlaced(rejected ? DialOutcome.Rejected : DialOutcome.Unavailable, LogValues.MaskPhoneNumbers(ex.Message));
        }
    }

    public Task<OutboundCallRow?> FindAsync(string id, CancellationToken ct) => store.GetCallAsync(id, ct);

    public Task<IReadOnlyList<CallStatusEvent>> EventsAsync(string id, CancellationToken ct) => store.ListEventsAsync(id, ct);

    public OutboundPayload Open(OutboundCallRow row)
        => JsonSerializer.Deserialize(cipher.Open(new SealedValue(row.KeyId, row.Payload), Aad(row.Id)), OutboundJsonContext.Default.OutboundPayload)!;

    /// <summary>The TwiML parameters of an answered outbound call: its context, the direction, the opening and our id.</summary>
    public Dictionary<string, string> AnswerParameters(OutboundCallRow row, out string opening)
    {
        var payload = Open(row);
        opening = MessageTemplate.Render(options.Opening, payload.Context);
        var parameters = new Dictionary<string, string>(payload.Context, StringComparer.Ordinal)
        {
            [OutboundParameters.Direction] = OutboundParameters.DirectionValue,
            [OutboundParameters.Opening] = opening,
            [OutboundParameters.OutboundId] = row.Id,
        };
        return parameters;
    }

    /// <summary>A signed status callback (<c>CallStatus</c>) or async AMD result (<c>AnsweredBy</c>). False when the call is not ours.</summary>
    public async Task<bool> OnCallbackAsync(string id, IReadOnlyDictionary<string, string> form, CancellationToken ct)
    {
        await startup.Migrated.WaitAsync(ct);
        var row = await store.GetCallAsync(id, ct);
        var callSid = form.GetValueOrDefault("CallSid");
        if (row is null || callSid is null || (row.CallSid is not null && row.CallSid != callSid))
        {
            OutboundLog.UnknownCall(logger, id);
            return false;
        }
        if (row.CallSid is null) await store.SetCallSidAsync(id, callSid, ct); // the callback overtook the create response
        var now = clock.GetUtcNow();
        if (form.GetValueOrDefault("CallStatus") is { Length: > 0 } status)
        {
            var sequence = int.TryParse(form.GetValueOrDefault("SequenceNumber"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : Rank(status);
            await store.AddEventAsync(new CallStatusEvent(id, callSid, "status", status, sequence, now), ct);
            var applied = await store.ApplyStatusAsync(id, status, sequence, now, ct);
            OutboundLog.Status(logger, callSid, status, sequence, applied);
            if (applied && SqlOutboundStore.IsTerminal(status) && Finished is { } finished) await finished(row, status, ct);
        }
        else if (form.GetValueOrDefault("AnsweredBy") is { Length: > 0 } answeredBy)
        {
            await store.AddEventAsync(new CallStatusEvent(id, callSid, "amd", answeredBy, null, now), ct);
            await store.SetAnsweredByAsync(id, answeredBy, now, ct);
            OutboundLog.AnsweredBy(logger, callSid, answeredBy, "twilio");
            await ActOnVerdictAsync(row with { CallSid = callSid, AnsweredBy = answeredBy }, answeredBy, ct);
        }
        return true;
    }

    /// <summary>
    /// Our own detector on the audio path: a long unbroken greeting, then a beep. A beep leaves the voicemail when
    /// Twilio or our greeting detector already judged a machine; the greeting alone is recorded as a second opinion.
    /// </summary>
    public async Task OnOwnSignalAsync(string id, string callSid, MachineSignal signal, CancellationToken ct)
    {
        await startup.Migrated.WaitAsync(ct);
        var row = await store.GetCallAsync(id, ct);
        if (row is null || row.CallSid != callSid) return;
        await store.AddEventAsync(new CallStatusEvent(id, callSid, "detector", signal.ToString(), null, clock.GetUtcNow()), ct);
        OutboundLog.OwnSignal(logger, callSid, signal.ToString());
        var twilioSaysMachine = row.AnsweredBy is { } by && by.StartsWith("machine", StringComparison.Ordinal);
        if (signal == MachineSignal.BeepAfterLongGreeting || (signal == MachineSignal.Beep && twilioSaysMachine))
            await LeaveVoicemailAsync(row, ct);
    }

    private async Task ActOnVerdictAsync(OutboundCallRow row, string answeredBy, CancellationToken ct)
    {
        switch (answeredBy)
        {
            case "machine_end_beep" or "machine_end_silence" or "machine_end_other":
                await LeaveVoicemailAsync(row, ct);
                break;
            case "machine_start" when row.Transport == "relay":
                // No audio of our own on ConversationRelay to wait for the beep: leave the message now.
                await LeaveVoicemailAsync(row, ct);
                break;
            case "machine_start":
                break; // the audio path's beep detector leaves the message at the beep
            case "fax":
                await HangUpAsync(row.CallSid!, ct);
                break;
            default:
                break; // human, unknown (treated as a person) or anything new: the conversation goes on
        }
    }

    private async Task LeaveVoicemailAsync(OutboundCallRow row, CancellationToken ct)
    {
        if (rest is null || row.CallSid is null) return;
        if (!await store.ClaimVoicemailAsync(row.Id, clock.GetUtcNow(), ct)) return; // already left (another callback or instance)
        var payload = Open(row);
        var (text, author) = await voicemail.WriteAsync(payload.Context, ct);
        try
        {
            await rest.UpdateCallTwimlAsync(row.CallSid, VoicemailTwiml.Build(text), ct);
            await store.AddEventAsync(new CallStatusEvent(row.Id, row.CallSid, "voicemail", $"left ({text.Length} characters, {author})", null, clock.GetUtcNow()), ct);
            OutboundLog.VoicemailLeft(logger, row.CallSid, text.Length, author);
        }
        catch (Exception ex) when (ex is TwilioRestException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            await store.AddEventAsync(new CallStatusEvent(row.Id, row.CallSid, "voicemail", "failed", null, clock.GetUtcNow()), CancellationToken.None);
            OutboundLog.RestFailed(logger, row.CallSid, LogValues.MaskPhoneNumbers(ex.Message));
        }
    }

    private async Task HangUpAsync(string callSid, CancellationToken ct)
    {
        try { await rest!.HangUpAsync(callSid, ct); }
        catch (Exception ex) when (ex is TwilioRestException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            OutboundLog.RestFailed(logger, callSid, LogValues.MaskPhoneNumbers(ex.Message));
        }
    }

    private DialResult NotPlaced(DialOutcome outcome, string detail)
    {
        OutboundLog.NotPlaced(logger, outcome, detail);
        return new DialResult(outcome, null, null, detail);
    }

    private static int Rank(string status) => status switch { "queued" => 0, "initiated" => 1, "ringing" => 2, "in-progress" or "answered" => 3, _ => 100 };

    private static string Aad(string id) => "outbound:" + id;
}
