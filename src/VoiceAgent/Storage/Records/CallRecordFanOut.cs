using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Storage.Spool;

namespace VoiceAgent.Storage.Records;

/// <summary>Hands each finished call's record to every consumer (records archive, end-of-call webhook).</summary>
internal sealed class CallRecordFanOut(IEnumerable<SpoolDrainer> sinks) : ICallRecordSink
{
    private readonly SpoolDrainer[] _sinks = sinks.ToArray();

    public async ValueTask SubmitAsync(CallRecord record, CancellationToken cancellationToken)
    {
        foreach (var sink in _sinks) await sink.SubmitAsync(record, cancellationToken);
    }
}
