using VoiceAgent.Observability;

namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// The audio path's hops of one reply, on the call's one clock, and the share of the critical path that is our
/// own code: STT final → utterance posted, first token in → sent to TTS, first TTS audio in → first frame out.
/// </summary>
internal sealed class AudioTurnTimeline(TimeProvider clock, string callId, int replyId)
{
    public TurnTimeline Hops { get; } = new(clock, callId, replyId);

    /// <summary>When the utterance was handed to the engine (the model request follows within microseconds).</summary>
    public long UtterancePostedAt { get; set; }
    /// <summary>When the first text of this reply was handed to TTS.</summary>
    public long FirstTextToTtsAt { get; set; }
    /// <summary>The last text sent to TTS before its first audio came back (TTS's own time starts there).</summary>
    public long LastTextBeforeAudioAt { get; set; }
    /// <summary>The reply's voice, for the stamps only it sees (text handed to TTS, first audio read off its stream).</summary>
    public ReplyVoice? Voice { get; set; }
    /// <summary>When the first frame of the reply was put in the playout queue (on the pipeline's loop).</summary>
    public long FirstFrameQueuedAt { get; set; }

    public double Ms(long from, long to) => from == 0 || to == 0 ? double.NaN : clock.GetElapsedTime(from, to).TotalMilliseconds;

    /// <summary>Speech end (VAD) → first media frame out.</summary>
    public double SpeechEndToFirstAudioMs => Hops.Between(TurnHop.SpeechEnded, TurnHop.FirstMediaSent);

    /// <summary>Our code's time on the critical path between speech end and first audio out.</summary>
    public double ServerShareMs =>
        Ms(Hops[TurnHop.TranscriptFinal], UtterancePostedAt)
        + Ms(Hops[TurnHop.FirstModelDelta], FirstTextToTtsAt)
        + Ms(Hops[TurnHop.FirstTtsAudio], Hops[TurnHop.FirstMediaSent]);
}
