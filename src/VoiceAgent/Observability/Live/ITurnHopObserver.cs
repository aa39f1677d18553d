namespace VoiceAgent.Observability.Live;

/// <summary>Told each time a hop of a turn is stamped, on the stamping thread: must not block.</summary>
internal interface ITurnHopObserver
{
    void HopMarked(TurnTimeline timeline, TurnHop hop);
}
