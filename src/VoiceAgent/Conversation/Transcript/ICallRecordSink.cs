namespace VoiceAgent.Conversation.Transcript;

/// <summary>
/// Receives each call's record when the call ends. Must return at once (queue the work): it runs in the call's
/// teardown, never on the path between the model and the caller.
/// </summary>
public interface ICallRecordSink
{
    void Submit(CallRecord record);
}
