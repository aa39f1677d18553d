namespace VoiceAgent.Observability;

/// <summary>
/// What the audio path reports about a reply's playback, off the reply's critical path: after its first media frame
/// left, when the carrier echoed its first mark (the caller heard it start) and when it echoed its last (the caller
/// heard all of it). The timelines are the pipeline's own.
/// </summary>
internal interface IReplyPlaybackObserver
{
    /// <summary>The first media frame of reply <paramref name="replyId"/> went to the carrier; <paramref name="hops"/> are its audio hops.</summary>
    void FirstAudioSent(int replyId, TurnTimeline hops);

    /// <summary>The carrier echoed the first mark of the reply whose audio hops are <paramref name="hops"/> (stamped <see cref="TurnHop.FirstAudioHeard"/>).</summary>
    void FirstAudioHeard(TurnTimeline hops);

    /// <summary>The carrier echoed the last mark of the reply whose audio hops are <paramref name="hops"/> (stamped <see cref="TurnHop.PlaybackCompleted"/>): the caller heard the whole reply.</summary>
    void PlaybackCompleted(TurnTimeline hops);
}
