using System.Text.Json;
using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Storage.Encryption;

namespace VoiceAgent.Hosting.Warmup;

/// <summary>
/// The warm-up call's records sink: the finished call's record is encoded as the spool encodes it and sealed as a
/// transcript is sealed at rest (when transcript encryption is set up), then dropped. The first real call's teardown
/// (which runs while the next calls take their first turns) finds that code compiled; no spool file, row or
/// transcript is written.
/// </summary>
internal sealed class WarmupRecordSink(TranscriptCipher? cipher) : ICallRecordSink
{
    private int _records;

    /// <summary>Records encoded (and dropped).</summary>
    public int Records => Volatile.Read(ref _records);

    public ValueTask SubmitAsync(CallRecord record, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(record, CallRecordJsonContext.Default.CallRecord);
        if (cipher is not null)
        {
            var opened = cipher.Open(cipher.Seal(payload, record.CallSid), record.CallSid);
            if (opened.Length != payload.Length) throw new InvalidOperationException("the warm-up record did not open back");
        }
        Interlocked.Increment(ref _records);
        return ValueTask.CompletedTask;
    }
}
