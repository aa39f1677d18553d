using System.Text.Json;
using Microsoft.Extensions.Logging;
using VoiceAgent.Storage.Encryption;
using VoiceAgent.Storage.Outbound;
using VoiceAgent.Storage.Records;

namespace VoiceAgent.Telephony.Outbound;

/// <summary>
/// The campaign: entries to call kept in the records database, drained by every instance through atomic claims, under
/// a concurrency limit shared by all instances, within calling hours in each entry's time zone, never dialling a number
/// on the do-not-call list, retrying busy and no-answer after a delay up to a maximum number of attempts.
/// </summary>
internal sealed class CampaignQueue
{
    private readonly OutboundSettings _options;
    private readonly SqlOutboundStore _store;
    private readonly RecordsStartup _startup;
    private readonly OutboundCalls _calls;
    private readonly TranscriptCipher _cipher;
    private readonly CallerIdHasher _hasher;
    private readonly TimeProvider _clock;
    private readonly ILogger<CampaignQueue> _logger;
    private readonly CallingHours _hours;

    public CampaignQueue(OutboundSettings options, SqlOutboundStore store, RecordsStartup startup, OutboundCalls calls, TranscriptCipher cipher,
        CallerIdHasher hasher, TimeProvider clock, ILogger<CampaignQueue> logger, string instance)
    {
        _options = options;
        _store = store;
        _startup = startup;
        _calls = calls;
        _cipher = cipher;
        _hasher = hasher;
        _clock = clock;
        _logger = logger;
        Instance = instance;
        if (!CallingHours.TryParse(options.CampaignCallingHours, out _hours)) throw new ArgumentException("Invalid CAMPAIGN_CALLING_HOURS.", nameof(options));
        calls.Finished += OnCallFinishedAsync;
    }

    /// <summary>Who holds a claim (host and process), for the lease column.</summary>
    public string Instance { get; }

    /// <summary>Adds an entry; null time zone means <c>CAMPAIGN_TIME_ZONE</c>. Returns the entry id, or the reason it was refused.</summary>
    public async Task<(long? Id, string? Error)> EnqueueAsync(DialRequest request, string? timeZone, CancellationToken ct)
    {
        var transport = request.Transport?.ToLowerInvariant() ?? _options.DefaultTransport;
        var zone = timeZone ?? _options.CampaignTimeZone;
        if (!PhoneNumber.IsE164(request.To)) return (null, "'to' must be an E.164 number such as +15558675310");
        if (transport is not ("relay" or "media")) return (null, "transport must be 'relay' or 'media'");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _)) return (null, $"unknown time zone '{zone}' (use an IANA name such as Europe/Paris)");
        if (OutboundParameters.Check(request.Context) is { } error) return (null, error);
        await _startup.Migrated.WaitAsync(ct);
        var toHash = _hasher.Hash(request.To);
        var payload = _cipher.Seal(JsonSerializer.SerializeToUtf8Bytes(new OutboundPayload(request.To, request.Context), OutboundJsonContext.Default.OutboundPayload), Aad(toHash));
        var id = await _store.EnqueueAsync(toHash, transport, zone, payload.KeyId, payload.Data, _clock.GetUtcNow(), ct);
        return (id, null);
    }

    public async Task AddDoNotCallAsync(string number, CancellationToken ct)
    {
        await _startup.Migrated.WaitAsync(ct);
        await _store.AddDoNotCallAsync(_hasher.Hash(number), _clock.GetUtcNow(), ct);
    }

    public async Task<bool> RemoveDoNotCallAsync(string number, CancellationToken ct)
    {
        await _startup.Migrated.WaitAsync(ct);
        return await _store.RemoveDoNotCallAsync(_hasher.Hash(number), ct);
    }

    public Task<QueueEntry?> GetAsync(long id, CancellationToken ct) => _store.GetEntryAsync(id, ct);

    public Task<IReadOnlyList<QueueEntry>> ListAsync(CancellationToken ct) => _store.ListEntriesAsync(ct);

    /// <summary>Claims and dials every due entry the concurrency limit allows now; returns how many calls were placed.</summary>
    public async Task<int> DrainOnceAsync(CancellationToken ct)
    {
        await _startup.Migrated.WaitAsync(ct);
        var placed = 0;
        // One pass takes what was due when it started: an entry whose attempt ends (busy, no answer) while the pass
        // runs is requeued for later, and must not be dialled a second time by this same pass.
        var passStart = _clock.GetUtcNow();
        for (var i = 0; i < 1000; i++)
        {
            var entry = await _store.ClaimAsync(passStart, _clock.GetUtcNow().AddSeconds(_options.CampaignLeaseSeconds), Instance, _options.CampaignConcurrency, ct);
            if (entry is null) break;
            if (await DialEntryAsync(entry, ct)) placed++;
        }
        return placed;
    }

    private async Task<bool> DialEntryAsync(QueueEntry entry, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(entry.TimeZone);
        if (!_hours.Contains(now, zone))
        {
            var opening = _hours.NextOpening(now, zone);
            await _store.RequeueAsync(entry.Id, opening, null, now, ct);
            OutboundLog.Campaign(_logger, entry.Id, $"outside calling hours in {entry.TimeZone}; due again at {opening:u}");
            return false;
        }
        if (await _store.IsDoNotCallAsync(entry.ToHash, ct))
        {
            await _store.FinishAsync(entry.Id, QueueStates.DoNotCall, null, now, ct);
            OutboundLog.Campaign(_logger, entry.Id, "on the do-not-call list; never dialled");
            return false;
        }
        var payload = JsonSerializer.Deserialize(_cipher.Open(new SealedValue(entry.KeyId, entry.Payload), Aad(entry.ToHash)), OutboundJsonContext.Default.OutboundPayload)!;
        await _store.CountAttemptAsync(entry.Id, ct);
        var result = await _calls.DialAsync(new DialRequest(payload.To, entry.Transport, payload.Context), entry.Id, ct);
        now = _clock.GetUtcNow();
        switch (result.Outcome)
        {
            case DialOutcome.Placed:
                await _store.MarkCallingAsync(entry.Id, result.CallSid!, now, ct);
                OutboundLog.Campaign(_logger, entry.Id, $"attempt {entry.Attempts + 1} placed as {result.CallSid}");
                return true;
            case DialOutcome.DoNotCall:
                await _store.FinishAsync(entry.Id, QueueStates.DoNotCall, null, now, ct);
                return false;
            case DialOutcome.Unavailable when entry.Attempts + 1 < _options.CampaignMaxAttempts:
                await _store.RequeueAsync(entry.Id, now.AddSeconds(_options.CampaignRetryDelaySeconds), "unavailable", now, ct);
                return false;
            default:
                await _store.FinishAsync(entry.Id, QueueStates.Failed, result.Outcome.ToString().ToLowerInvariant(), now, ct);
                OutboundLog.Campaign(_logger, entry.Id, $"not placed: {result.Outcome}");
                return false;
        }
    }

    private async Task OnCallFinishedAsync(OutboundCallRow call, string status, CancellationToken ct)
    {
        if (call.QueueId is not { } id || await _store.GetEntryAsync(id, ct) is not { State: QueueStates.Calling or QueueStates.Dialing } entry) return;
        var now = _clock.GetUtcNow();
        switch (status)
        {
            case "completed":
                await _store.FinishAsync(id, QueueStates.Done, status, now, ct);
                OutboundLog.Campaign(_logger, id, "done");
                break;
            case "busy" or "no-answer" when entry.Attempts < _options.CampaignMaxAttempts:
                var due = now.AddSeconds(_options.CampaignRetryDelaySeconds);
                await _store.RequeueAsync(id, due, status, now, ct);
                OutboundLog.Campaign(_logger, id, $"{status} on attempt {entry.Attempts}; retrying at {due:u}");
                break;
            case "busy" or "no-answer":
                await _store.FinishAsync(id, QueueStates.GaveUp, status, now, ct);
                OutboundLog.Campaign(_logger, id, $"{status} on attempt {entry.Attempts} of {_options.CampaignMaxAttempts}; given up");
                break;
            default:
                await _store.FinishAsync(id, QueueStates.Failed, status, now, ct);
                OutboundLog.Campaign(_logger, id, $"ended {status}");
                break;
        }
    }

    private static string Aad(string toHash) => "campaign:" + toHash;
}
