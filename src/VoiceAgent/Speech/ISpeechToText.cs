namespace VoiceAgent.Speech;

/// <summary>A streaming speech-to-text provider (Deepgram live). One session per call.</summary>
public interface ISpeechToText
{
    /// <summary>Opens a live transcription session for one call.</summary>
    ValueTask<ISpeechToTextSession> ConnectAsync(SpeechToTextSessionOptions options, CancellationToken cancellationToken);
}

/// <summary>
/// One live transcription session: push raw audio in, read <see cref="SpeechEvent"/>s out.
/// A session survives a dropped provider socket by reconnecting; it reports that as
/// <see cref="SpeechReconnected"/> instead of ending.
/// </summary>
public interface ISpeechToTextSession : IAsyncDisposable
{
    /// <summary>Sends raw audio in the session's encoding. Never sends an empty frame.</summary>
    ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken);

    /// <summary>Asks the provider to flush buffered audio into final results now.</summary>
    ValueTask FinalizeAsync(CancellationToken cancellationToken);

    /// <summary>Events until the session is disposed or the call's token is cancelled.</summary>
    IAsyncEnumerable<SpeechEvent> ReadEventsAsync(CancellationToken cancellationToken);
}

/// <summary>Per-call STT settings (per-locale model and language).</summary>
public sealed record SpeechToTextSessionOptions(string Model, string Language, string Encoding, int SampleRate);

/// <summary>What a speech-to-text session reports.</summary>
public abstract record SpeechEvent
{
    /// <summary>Monotonic receive time (TimeProvider ticks).</summary>
    public long ReceivedAt { get; init; }
}

/// <summary>A transcript. <paramref name="IsFinal"/>: this range will not change; <paramref name="SpeechFinal"/>: the provider detected an endpoint.</summary>
public sealed record TranscriptReceived(string Text, bool IsFinal, bool SpeechFinal, double Confidence, TimeSpan Start, TimeSpan Duration) : SpeechEvent;

/// <summary>The provider's own voice-activity detector heard speech begin.</summary>
public sealed record SpeechStartedDetected(TimeSpan Timestamp) : SpeechEvent;

/// <summary>The provider saw a word gap long enough to end the utterance.</summary>
public sealed record UtteranceEnded(TimeSpan LastWordEnd) : SpeechEvent;

/// <summary>The provider socket dropped and the session reconnected.</summary>
public sealed record SpeechReconnected(string Reason) : SpeechEvent;

/// <summary>The provider reported an error. <paramref name="Fatal"/>: the session cannot continue.</summary>
public sealed record SpeechError(string Message, bool Fatal) : SpeechEvent;
