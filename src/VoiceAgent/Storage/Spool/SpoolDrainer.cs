using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Observability;
using VoiceAgent.Storage.Encryption;

namespace VoiceAgent.Storage.Spool;

/// <summary>
/// Takes finished calls' records onto a spool (on disk, sealed, before the call's teardown finishes) and delivers
/// them one at a time, oldest first, from a single background loop. A delivery that fails for a transient reason
/// stays at the head of the queue and is retried with exponential back-off on the injected clock, so items are
/// delivered in order; an item is removed only after its delivery succeeded, and deliveries are idempotent, so
/// a crash between the two delivers it again harmlessly (exactly once at the destination).
/// </summary>
internal abstract partial class SpoolDrainer : BackgroundService, ICallRecordSink, ICallerDataEraser
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CallerIdHasher _hasher;
    private readonly SpoolDrainerOptions _options;
    private volatile string? _lastError;

    protected SpoolDrainer(EncryptedSpool spool, CallerIdHasher hasher, SpoolDrainerOptions options, TimeProvider clock, ILogger logger)
    {
        Spool = spool;
        _hasher = hasher;
        _options = options;
        Clock = clock;
        Logger = logger;
    }

    public abstract string Name { get; }
    protected EncryptedSpool Spool { get; }
    protected TimeProvider Clock { get; }
    protected ILogger Logger { get; }

    /// <summary>Items waiting on disk.</summary>
    public int Backlog => Spool.Pending().Count;
    /// <summary>Why the last delivery failed; null after a success.</summary>
    public string? LastError => _lastError;

    /// <summary>Delivers one item. Throw for a transient failure (retried later); return to remove it.</summary>
    protected abstract Task DeliverAsync(CallRecord record, string? callerHash, CancellationToken cancellationToken);

    public async ValueTask SubmitAsync(CallRecord record, CancellationToken cancellationToken)
    {
        try
        {
            var payload = JsonSerializer.SerializeToUtf8Bytes(record, CallRecordJsonContext.Default.CallRecord);
            await Spool.AppendAsync(record.CallSid, record.From is { Length: > 0 } from ? _hasher.Hash(from) : null, payload, cancellationToken);
            _wake.Writer.TryWrite(true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogSpoolWriteFailed(Logger, Name, record.CallSid, ex.Message);
        }
    }

    public Task<int> EraseCallerAsync(string callerId, CancellationToken cancellationToken) => Spool.EraseCallerAsync(_hasher.Hash(callerId), cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = _options.InitialBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (await DrainOnceAsync(stoppingToken))
            {
                backoff = _options.InitialBackoff;
                await _wake.Reader.ReadAsync(stoppingToken);
            }
            else
            {
                await Task.Delay(backoff, Clock, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Shutdown: one last attempt to flush the spool; what cannot go now stays on disk for the next start.
        try { await DrainOnceAsync(cancellationToken); }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
    }

    /// <summary>Delivers everything pending, in order; false when a delivery failed and the rest must wait.</summary>
    private async Task<bool> DrainOnceAsync(CancellationToken cancellationToken)
    {
        foreach (var path in Spool.Pending())
        {
            try
            {
                SpoolItem item;
                CallRecord record;
                try
                {
                    item = await Spool.ReadAsync(path, cancellationToken);
                    record = JsonSerializer.Deserialize(item.Payload, CallRecordJsonContext.Default.CallRecord) ?? throw new InvalidDataException("empty record");
                }
                catch (Exception ex) when (ex is CryptographicException or JsonException or InvalidDataException)
                {
                    // Kept beside the spool, not deleted: an operator can restore the missing key and move it back.
                    LogUnreadable(Logger, Name, Path.GetFileName(path), ex.Message);
                    File.Move(path, path + ".unreadable", overwrite: true);
                    continue;
                }
                catch (FileNotFoundException)
                {
                    continue; // erased meanwhile
                }
                await DeliverAsync(record, item.CallerHash, cancellationToken);
                EncryptedSpool.Remove(path);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // This loop's edge: whatever failed (store, receiver, disk) is retried later; the server keeps serving.
                if (_lastError is null) LogDown(Logger, Name, ex.GetType().Name, ex.Message);
                _lastError = ex.Message;
                return false;
            }
            if (_lastError is not null) LogUp(Logger, Name);
            _lastError = null;
        }
        return true;
    }

    [LoggerMessage(EventId = EventIds.RecordsStoreDown, Level = LogLevel.Warning, Message = "{Spool}: delivery failed ({ExceptionType}: {Reason}); records stay spooled on disk and are retried with back-off")]
    private static partial void LogDown(ILogger logger, string spool, string exceptionType, string reason);

    [LoggerMessage(EventId = EventIds.RecordsStoreUp, Level = LogLevel.Information, Message = "{Spool}: delivering again")]
    private static partial void LogUp(ILogger logger, string spool);

    [LoggerMessage(EventId = EventIds.SpoolItemUnreadable, Level = LogLevel.Error, Message = "{Spool}: item {File} cannot be opened ({Reason}); set aside as .unreadable")]
    private static partial void LogUnreadable(ILogger logger, string spool, string file, string reason);

    [LoggerMessage(EventId = EventIds.SpoolWriteFailed, Level = LogLevel.Error, Message = "{Spool}: could not spool the record of call {CallSid}: {Reason}")]
    private static partial void LogSpoolWriteFailed(ILogger logger, string spool, string callSid, string reason);
}

/// <summary>Retry pacing of a spool.</summary>
internal sealed record SpoolDrainerOptions(TimeSpan InitialBackoff, TimeSpan MaxBackoff);
