namespace VoiceAgent.Emulators.ChatScript;

/// <summary>
/// Sees an emulated model endpoint's requests and streamed text deltas as they happen, with the
/// <see cref="System.Diagnostics.Stopwatch"/> timestamp of each, so a load generator in the same process can put
/// the stand-in's moments and its callers' moments on one clock. Called on the request's thread: keep it cheap.
/// </summary>
public interface IChatStreamObserver
{
    /// <summary>A request was authenticated and parsed (the model has been asked); before any reply byte.</summary>
    void RequestAccepted(RecordedChatRequest request, long timestamp);

    /// <summary>
    /// Text delta number <paramref name="deltaIndex"/> (0-based) was written and flushed to the socket;
    /// <paramref name="timestamp"/> is taken as its write started.
    /// </summary>
    void TextDeltaSent(RecordedChatRequest request, int deltaIndex, string text, long timestamp);
}
