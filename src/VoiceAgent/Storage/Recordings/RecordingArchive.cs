using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;
using VoiceAgent.Storage.Encryption;
using VoiceAgent.Storage.Records;
using VoiceAgent.Telephony.Twilio.Rest;

namespace VoiceAgent.Storage.Recordings;

/// <summary>
/// Fetches each finished call's recording from the carrier and keeps it encrypted at rest like transcripts
/// (AES-256-GCM under the transcript keyring, bound to the recording id) in the configured store (a local folder or an
/// S3-compatible bucket): <c>{RecordingSid}.wav.sealed</c> and a <c>{RecordingSid}.json</c> with the call, the caller
/// hash and the key id. The work survives a restart: a finished call's recording is written to the records
/// database's <c>recording_fetches</c> queue, and the worker takes the oldest due entry under a lease, asks the
/// carrier whether the recording is <c>completed</c> (retrying with back-off on the injected clock while it is still
/// processing or the carrier errs), stores it, marks it stored, then deletes the carrier's copy when configured.
/// Off the call path: calls only hand recordings over here.
/// </summary>
internal sealed partial class RecordingArchive(
    TwilioRecordingsClient rest,
    TranscriptCipher cipher,
    CallerIdHasher hasher,
    IRecordingStore store,
    SqlRecordingQueue queue,
    RecordsStartup startup,
    bool deleteFromCarrier,
    TimeProvider clock,
    ILogger<RecordingArchive> logger) : BackgroundService, ICallerDataEraser
{
    internal const int MaxAttempts = 20;
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(30);
    private readonly string _worker = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly Channel<PendingRecording> _handedOver = Channel.CreateUnbounded<PendingRecording>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<string> _stored = Channel.CreateUnbounded<string>();

    public string Name => "recordings";

    public string Describe => store.Describe;

    /// <summary>Hands a finished call's recording over for fetching; never blocks. It is queued durably at once (or as soon as the records database answers).</summary>
    public void Enqueue(string callSid, string recordingSid, string? callerId)
    {
        if (recordingSid.Length == 0 || !recordingSid.All(char.IsAsciiLetterOrDigit))
        {
            LogFailed(logger, callSid, "(malformed)", "recording id", "not alphanumeric; not queued"); // never a path or key from the carrier's text
            return;
        }
        _handedOver.Writer.TryWrite(new PendingRecording(callSid, recordingSid, callerId is null ? null : hasher.Hash(callerId)));
    }

    /// <summary>The id of each recording once this instance stored it (tests and tools wait on it).</summary>
    public ChannelReader<string> Stored => _stored.Reader;

    /// <summary>The decrypted audio of a stored recording.</summary>
    public async Task<byte[]> OpenAsync(string recordingSid, CancellationToken cancellationToken)
    {
        var metaBytes = await store.GetAsync(RecordingNames.Meta(recordingSid), cancellationToken) ?? throw new FileNotFoundException($"No stored recording {recordingSid}.");
        var meta = JsonSerializer.Deserialize(metaBytes, RecordingJsonContext.Default.StoredRecording)!;
        var data = await store.GetAsync(RecordingNames.Audio(recordingSid), cancellationToken) ?? throw new FileNotFoundException($"No stored audio for {recordingSid}.");
        return cipher.Open(new SealedValue(meta.KeyId, data), recordingSid);
    }

    /// <summary>Deletes every recording of the caller: stored objects, and queued ones before they are fetched.</summary>
    public async Task<int> EraseCallerAsync(string callerId, CancellationToken cancellationToken)
    {
        await startup.Migrated.WaitAsync(cancellationToken);
        var erased = 0;
        foreach (var (sid, state) in await queue.ListForCallerAsync(hasher.Hash(callerId), cancellationToken))
        {
            if (state == SqlRecordingQueue.Stored)
            {
                await store.DeleteAsync(RecordingNames.Audio(sid), cancellationToken);
                await store.DeleteAsync(RecordingNames.Meta(sid), cancellationToken);
            }
            await queue.DeleteAsync(sid, cancellationToken);
            erased++;
        }
        return erased;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await startup.Migrated.WaitAsync(stoppingToken);
            await Task.WhenAll(QueueHandedOverAsync(stoppingToken), FetchDueAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes each handed-over recording to the durable queue, retrying while the records database is down.</summary>
    private async Task QueueHandedOverAsync(CancellationToken ct)
    {
        await foreach (var item in _handedOver.Reader.ReadAllAsync(ct))
        {
            var backoff = FirstRetry;
            while (true)
            {
                try
                {
                    var queued = await queue.EnqueueAsync(item.RecordingSid, item.CallSid, item.CallerHash, clock.GetUtcNow(), ct);
                    LogQueued(logger, item.CallSid, item.RecordingSid, queued);
                    _wake.Writer.TryWrite(true);
                    break;
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    LogQueueUnavailable(logger, "queue " + item.RecordingSid, ex.GetType().Name, backoff.TotalSeconds);
                }
                await Task.Delay(backoff, clock, ct);
                backoff = Longer(backoff, TimeSpan.FromSeconds(30));
            }
        }
    }

    /// <summary>Takes the oldest due recording, one at a time; sleeps until the next is due or one is handed over.</summary>
    private async Task FetchDueAsync(CancellationToken ct)
    {
        var backoff = FirstRetry;
        while (true)
        {
            TimeSpan wait;
            try
            {
                var now = clock.GetUtcNow();
                if (await queue.ClaimAsync(now, now + Lease, _worker, ct) is { } item)
                {
                    try
                    {
                        await FetchAsync(item, ct);
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        await ReleaseAsync(item);
                        throw;
                    }
                    backoff = FirstRetry;
                    continue;
                }
                var due = await queue.NextDueAsync(ct);
                wait = due is { } at ? Clamp(at - clock.GetUtcNow(), TimeSpan.Zero, IdlePoll) : IdlePoll;
                backoff = FirstRetry;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                LogQueueUnavailable(logger, "claim", ex.GetType().Name, backoff.TotalSeconds);
                wait = backoff;
                backoff = Longer(backoff, TimeSpan.FromSeconds(30));
            }
            if (wait > TimeSpan.Zero) await SleepOrWakeAsync(wait, ct);
        }
    }

    private async Task SleepOrWakeAsync(TimeSpan wait, CancellationToken ct)
    {
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sleep = Task.Delay(wait, clock, cut.Token);
        var woken = _wake.Reader.WaitToReadAsync(cut.Token).AsTask();
        await Task.WhenAny(sleep, woken);
        await cut.CancelAsync();
        ct.ThrowIfCancellationRequested();
        _wake.Reader.TryRead(out _);
    }

    private async Task FetchAsync(QueuedRecording item, CancellationToken ct)
    {
        string? status;
        try
        {
            status = await rest.GetStatusAsync(item.RecordingSid, ct);
            if (status == "completed")
            {
                await StoreAsync(item, ct);
                return;
            }
        }
        catch (TwilioRestException ex) when (ex.Status == 404)
        {
            status = "absent";
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            await RetryOrGiveUpAsync(item, ex.GetType().Name + ": " + LogValues.MaskPhoneNumbers(ex.Message), ct);
            return;
        }
        if (status is "absent" or "failed" or "deleted")
        {
            await queue.FinishAsync(item.RecordingSid, _worker, SqlRecordingQueue.Failed, "status " + status, clock.GetUtcNow(), ct);
            LogFailed(logger, item.CallSid, item.RecordingSid, "status", status);
            return;
        }
        await RetryOrGiveUpAsync(item, "status " + (status ?? "unknown"), ct); // in-progress, paused, stopped, processing
    }

    /// <summary>Stopping mid-fetch: hands the claim back so the next start (here or elsewhere) takes it at once, not after the lease.</summary>
    private async Task ReleaseAsync(QueuedRecording item)
    {
        try
        {
            await queue.ReleaseAsync(item.RecordingSid, _worker, clock.GetUtcNow(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), clock, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogQueueUnavailable(logger, "release " + item.RecordingSid, ex.GetType().Name, Lease.TotalSeconds); // its lease runs out instead
        }
    }

    private async Task StoreAsync(QueuedRecording item, CancellationToken ct)
    {
        var audio = await rest.DownloadWavAsync(item.RecordingSid, ct);
        var sealedValue = cipher.Seal(audio, item.RecordingSid);
        Array.Clear(audio);
        await store.PutAsync(RecordingNames.Audio(item.RecordingSid), sealedValue.Data, ct);
        await store.PutAsync(RecordingNames.Meta(item.RecordingSid), JsonSerializer.SerializeToUtf8Bytes(
            new StoredRecording(item.RecordingSid, item.CallSid, item.CallerHash, sealedValue.KeyId, clock.GetUtcNow()), RecordingJsonContext.Default.StoredRecording), ct);
        // Marked stored before the carrier's copy goes: a crash in between leaves a copy at the carrier, never a gap.
        if (!await queue.FinishAsync(item.RecordingSid, _worker, SqlRecordingQueue.Stored, null, clock.GetUtcNow(), ct)) return; // the lease was lost to another worker
        var deleted = false;
        if (deleteFromCarrier)
        {
            try
            {
                await rest.DeleteAsync(item.RecordingSid, ct);
                deleted = true;
            }
            catch (TwilioRestException ex) when (!ct.IsCancellationRequested)
            {
                LogFailed(logger, item.CallSid, item.RecordingSid, "carrier delete", ex.Status + ": " + LogValues.MaskPhoneNumbers(ex.Message));
            }
        }
        LogArchived(logger, item.CallSid, item.RecordingSid, sealedValue.Data.Length, store.Describe, deleted);
        _stored.Writer.TryWrite(item.RecordingSid);
    }

    private async Task RetryOrGiveUpAsync(QueuedRecording item, string reason, CancellationToken ct)
    {
        var attempt = item.Attempts + 1;
        var now = clock.GetUtcNow();
        if (attempt >= MaxAttempts)
        {
            await queue.FinishAsync(item.RecordingSid, _worker, SqlRecordingQueue.Failed, reason, now, ct);
            LogFailed(logger, item.CallSid, item.RecordingSid, $"gave up after {attempt} attempts", reason);
            return;
        }
        var delay = TimeSpan.FromTicks(Math.Min(FirstRetry.Ticks << Math.Min(item.Attempts, 20), LongestRetry.Ticks));
        await queue.RetryAsync(item.RecordingSid, _worker, now + delay, reason, now, ct);
        LogRetry(logger, item.CallSid, item.RecordingSid, attempt, reason, delay.TotalSeconds);
    }

    private static TimeSpan Longer(TimeSpan backoff, TimeSpan cap) => TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, cap.Ticks));

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;

    private sealed record PendingRecording(string CallSid, string RecordingSid, string? CallerHash);

    [LoggerMessage(EventId = EventIds.RecordingArchived, Level = LogLevel.Information, Message = "Call {CallSid}: recording {RecordingSid} stored encrypted ({Bytes} bytes) in {Store}; removed from the carrier: {Deleted}")]
    private static partial void LogArchived(ILogger logger, string callSid, string recordingSid, int bytes, string store, bool deleted);

    [LoggerMessage(EventId = EventIds.RecordingArchiveFailed, Level = LogLevel.Warning, Message = "Call {CallSid}: recording {RecordingSid} not archived ({What}: {Reason})")]
    private static partial void LogFailed(ILogger logger, string callSid, string recordingSid, string what, string reason);

    [LoggerMessage(EventId = EventIds.RecordingQueued, Level = LogLevel.Information, Message = "Call {CallSid}: recording {RecordingSid} queued for fetching (new: {New})")]
    private static partial void LogQueued(ILogger logger, string callSid, string recordingSid, bool @new);

    [LoggerMessage(EventId = EventIds.RecordingFetchRetry, Level = LogLevel.Information, Message = "Call {CallSid}: recording {RecordingSid} not fetched yet (attempt {Attempt}: {Reason}); next try in {Seconds} s")]
    private static partial void LogRetry(ILogger logger, string callSid, string recordingSid, int attempt, string reason, double seconds);

    [LoggerMessage(EventId = EventIds.RecordingQueueUnavailable, Level = LogLevel.Warning, Message = "Recording queue unavailable ({Step}: {ExceptionType}); retrying in {Seconds} s")]
    private static partial void LogQueueUnavailable(ILogger logger, string step, string exceptionType, double seconds);
}

/// <summary>What is kept beside a sealed recording.</summary>
internal sealed record StoredRecording(string RecordingSid, string CallSid, string? CallerHash, string KeyId, DateTimeOffset StoredAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StoredRecording))]
internal sealed partial class RecordingJsonContext : JsonSerializerContext;
