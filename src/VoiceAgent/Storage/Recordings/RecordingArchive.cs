using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;
using VoiceAgent.Storage.Encryption;
using VoiceAgent.Telephony.Twilio.Rest;

namespace VoiceAgent.Storage.Recordings;

/// <summary>
/// Fetches each finished call's recording from the carrier and keeps it encrypted at rest like transcripts
/// (AES-256-GCM under the transcript keyring, bound to the recording id) in <c>DATA_DIR/recordings</c>:
/// <c>{RecordingSid}.wav.sealed</c> and a <c>{RecordingSid}.json</c> with the call, the caller hash and the key id.
/// Waits (with back-off, on the injected clock) until the carrier reports the recording <c>completed</c>, then
/// deletes the carrier's copy when configured. Off the call path: calls only queue work here.
/// </summary>
internal sealed partial class RecordingArchive(
    TwilioRecordingsClient rest,
    TranscriptCipher cipher,
    CallerIdHasher hasher,
    string folder,
    bool deleteFromCarrier,
    TimeProvider clock,
    ILogger<RecordingArchive> logger) : BackgroundService, ICallerDataEraser
{
    private const int MaxAttempts = 12;
    private readonly Channel<PendingRecording> _pending = Channel.CreateUnbounded<PendingRecording>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<string> _stored = Channel.CreateUnbounded<string>();

    public string Name => "recordings";

    public string Folder => folder;

    /// <summary>Queues a recording for fetching; never blocks.</summary>
    public void Enqueue(string callSid, string recordingSid, string? callerId)
        => _pending.Writer.TryWrite(new PendingRecording(callSid, recordingSid, callerId is null ? null : hasher.Hash(callerId)));

    /// <summary>Completes with the id of each recording once it is stored (tests and tools wait on it).</summary>
    public ChannelReader<string> Stored => _stored.Reader;

    /// <summary>The decrypted audio of a stored recording.</summary>
    public async Task<byte[]> OpenAsync(string recordingSid, CancellationToken cancellationToken)
    {
        var meta = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(MetaPath(recordingSid), cancellationToken), RecordingJsonContext.Default.StoredRecording)!;
        var data = await File.ReadAllBytesAsync(AudioPath(recordingSid), cancellationToken);
        return cipher.Open(new SealedValue(meta.KeyId, data), recordingSid);
    }

    public async Task<int> EraseCallerAsync(string callerId, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder)) return 0;
        var hash = hasher.Hash(callerId);
        var erased = 0;
        foreach (var metaFile in Directory.EnumerateFiles(folder, "*.json"))
        {
            var meta = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(metaFile, cancellationToken), RecordingJsonContext.Default.StoredRecording);
            if (meta?.CallerHash != hash) continue;
            File.Delete(AudioPath(meta.RecordingSid));
            File.Delete(metaFile);
            erased++;
        }
        return erased;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var item in _pending.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await ArchiveAsync(item, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, item.CallSid, item.RecordingSid, ex.GetType().Name, LogValues.MaskPhoneNumbers(ex.Message));
            }
        }
    }

    private async Task ArchiveAsync(PendingRecording item, CancellationToken ct)
    {
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            var status = await rest.GetStatusAsync(item.RecordingSid, ct);
            if (status == "completed") break;
            if (status is "absent" or "failed" or "deleted" || attempt == MaxAttempts)
            {
                LogFailed(logger, item.CallSid, item.RecordingSid, "status", status ?? "unknown");
                return;
            }
            await Task.Delay(delay, clock, ct);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(60).Ticks));
        }
        var audio = await rest.DownloadWavAsync(item.RecordingSid, ct);
        var sealedValue = cipher.Seal(audio, item.RecordingSid);
        Directory.CreateDirectory(folder);
        await WriteAtomicAsync(AudioPath(item.RecordingSid), sealedValue.Data, ct);
        await WriteAtomicAsync(MetaPath(item.RecordingSid), JsonSerializer.SerializeToUtf8Bytes(
            new StoredRecording(item.RecordingSid, item.CallSid, item.CallerHash, sealedValue.KeyId, clock.GetUtcNow()), RecordingJsonContext.Default.StoredRecording), ct);
        Array.Clear(audio);
        if (deleteFromCarrier) await rest.DeleteAsync(item.RecordingSid, ct);
        LogArchived(logger, item.CallSid, item.RecordingSid, sealedValue.Data.Length, deleteFromCarrier);
        _stored.Writer.TryWrite(item.RecordingSid);
    }

    private static async Task WriteAtomicAsync(string path, byte[] data, CancellationToken ct)
    {
        var temp = path + ".tmp";
        await File.WriteAllBytesAsync(temp, data, ct);
        File.Move(temp, path, overwrite: true);
    }

    private string AudioPath(string recordingSid) => Path.Combine(folder, SafeName(recordingSid) + ".wav.sealed");
    private string MetaPath(string recordingSid) => Path.Combine(folder, SafeName(recordingSid) + ".json");
    private static string SafeName(string sid) => sid.All(char.IsAsciiLetterOrDigit) ? sid : throw new ArgumentException("Recording id must be alphanumeric.", nameof(sid));

    private sealed record PendingRecording(string CallSid, string RecordingSid, string? CallerHash);

    [LoggerMessage(EventId = EventIds.RecordingArchived, Level = LogLevel.Information, Message = "Call {CallSid}: recording {RecordingSid} stored encrypted ({Bytes} bytes); removed from the carrier: {Deleted}")]
    private static partial void LogArchived(ILogger logger, string callSid, string recordingSid, int bytes, bool deleted);

    [LoggerMessage(EventId = EventIds.RecordingArchiveFailed, Level = LogLevel.Warning, Message = "Call {CallSid}: recording {RecordingSid} not archived ({What}: {Reason})")]
    private static partial void LogFailed(ILogger logger, string callSid, string recordingSid, string what, string reason);
}

/// <summary>What is kept beside a sealed recording.</summary>
internal sealed record StoredRecording(string RecordingSid, string CallSid, string? CallerHash, string KeyId, DateTimeOffset StoredAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StoredRecording))]
internal sealed partial class RecordingJsonContext : JsonSerializerContext;
