namespace VoiceAgent.Emulators.Deepgram;

/// <summary>
/// What the emulator hears in the audio that arrives while this window is open (from
/// <see cref="DeepgramEmulator.HearWhile"/> until <see cref="Dispose"/>): every speech segment that starts meanwhile
/// is transcribed as <see cref="Transcript"/>, however many segments the endpointing makes of that audio, and the
/// queued transcripts wait. A segment whose speech goes on in audio that arrived after the window closed is heard as
/// what came after it: the next queued transcript.
/// </summary>
public sealed class DeepgramHearingWindow : IDisposable
{
    private readonly DeepgramEmulator _emulator;
    private long _closedAt; // the emulator clock's timestamp at the close; 0 while open

    internal DeepgramHearingWindow(DeepgramEmulator emulator, ScriptedTranscript transcript)
    {
        _emulator = emulator;
        Transcript = transcript;
    }

    /// <summary>What a segment heard in the window says.</summary>
    public ScriptedTranscript Transcript { get; }

    /// <summary>The emulator clock's timestamp at which the window closed; null while it is open.</summary>
    internal long? ClosedAt => Volatile.Read(ref _closedAt) is var closed and not 0 ? closed : null;

    /// <summary>Closes the window: segments that start from now on take the queued transcripts again.</summary>
    public void Dispose() => _emulator.CloseWindow(this);

    internal void MarkClosed(long at) => Interlocked.CompareExchange(ref _closedAt, Math.Max(1, at), 0);
}
