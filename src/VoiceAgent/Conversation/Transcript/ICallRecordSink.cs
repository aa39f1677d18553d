namespace VoiceAgent.Conversation.Transcript;

/// <summary>
/// Receives each call's record when the call ends, in the call's teardown (never on the path between the model
/// and the caller). Returns once the record is safe (e.g. spooled to disk); never throws for a store being down.
/// </summary>
public interface ICallRecordSink
{
    ValueTask SubmitAsync(CallRecord record, CancellationToken cancellationToken);
}
