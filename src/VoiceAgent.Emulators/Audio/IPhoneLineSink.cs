namespace VoiceAgent.Emulators.Audio;

/// <summary>What a <see cref="PhoneLine{TMarker}"/> hands to the protocol that carries it (Twilio or Vonage).</summary>
internal interface IPhoneLineSink<in TMarker>
{
    /// <summary>
    /// One 20 ms frame of caller audio to send now. <paramref name="frameIndex"/> counts line ticks from the
    /// call start (frame <c>n</c> covers <c>[n·20, (n+1)·20)</c> ms). Complete <paramref name="finished"/>'s
    /// <see cref="CallerUtterance.Sent"/> once the frame is on the wire. Must not block.
    /// </summary>
    void SendCallerFrame(byte[] frame, long frameIndex, CallerUtterance? finished);

    /// <summary>
    /// All audio queued before <paramref name="marker"/> has played (or was cleared when
    /// <paramref name="dueToClear"/>); echo it. Called under the playout lock, so calls arrive in queue
    /// order; must not block.
    /// </summary>
    void MarkerReached(TMarker marker, TimeSpan at, bool dueToClear);

    /// <summary>Something observable changed (audio played).</summary>
    void Changed();
}
