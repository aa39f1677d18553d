namespace VoiceAgent.Emulators.Deepgram;

internal enum SegmenterEventKind
{
    /// <summary>Speech began at <see cref="SegmenterEvent.Start"/>.</summary>
    SpeechStarted,
    /// <summary>Speech is still going on; time for an interim result covering Start..End.</summary>
    Interim,
    /// <summary>The segment Start..End is over: by endpointing silence (<see cref="SegmenterEvent.Endpoint"/>) or by a flush.</summary>
    SegmentEnded,
    /// <summary>A word gap of <c>utterance_end_ms</c> followed the last speech, which ended at End.</summary>
    UtteranceEnded,
    /// <summary>A pause shorter than the endpoint: the words of Start..End are final (<c>is_final</c> without <c>speech_final</c>); the segment goes on.</summary>
    PieceFinalized,
    /// <summary>Speech came back within the segment after its words so far were finalized.</summary>
    Resumed,
}

/// <summary>What the energy detector noticed, in stream seconds.</summary>
internal readonly record struct SegmenterEvent(SegmenterEventKind Kind, double Start, double End, bool Endpoint = false);
