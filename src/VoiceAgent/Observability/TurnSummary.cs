namespace VoiceAgent.Observability;

/// <summary>
/// The per-hop split of one turn as the summary log line carries it: receive → model request → first delta →
/// first frame → last frame, in milliseconds; null where a hop was never reached (e.g. a reply cut before its
/// first token). "First frame" is the first token written to the carrier socket (ConversationRelay) or handed to
/// the speech pipeline (audio transports, whose first media frame is on the pipeline's first-audio line).
/// </summary>
internal readonly record struct TurnSummary(
    double? ReceiveToModelRequestMs,
    double? ModelFirstDeltaMs,
    double? FirstDeltaToFirstFrameMs,
    double? FirstToLastFrameMs,
    double? ReceiveToFirstFrameMs)
{
    public static TurnSummary From(TurnTimeline timeline) => new(
        LogValues.Ms(timeline.Between(TurnHop.SocketReceived, TurnHop.ModelRequestSent)),
        LogValues.Ms(timeline.Between(TurnHop.ModelRequestSent, TurnHop.FirstModelDelta)),
        LogValues.Ms(timeline.Between(TurnHop.FirstModelDelta, TurnHop.FirstTokenSent)),
        LogValues.Ms(timeline.Between(TurnHop.FirstTokenSent, TurnHop.LastFrameSent)),
        LogValues.Ms(timeline.Between(TurnHop.SocketReceived, TurnHop.FirstTokenSent)));
}
