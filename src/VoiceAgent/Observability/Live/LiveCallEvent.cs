using VoiceAgent.Observability.Cost;
namespace VoiceAgent.Observability.Live;

/// <summary>
/// One thing that happened on a live call, as the dashboard's event stream sends it: <c>call-started</c>,
/// <c>hop</c> (a turn's hop stamped, <see cref="Ms"/> after the turn began), <c>turn-closed</c>,
/// <c>call-ended</c> (with the call's <see cref="Cost"/> when it was priced). Carries ids, names, timings and
/// amounts only: no phone numbers, no words.
/// </summary>
internal sealed record LiveCallEvent(
    string Type,
    string CallId,
    DateTimeOffset At,
    string? Transport = null,
    int? TurnId = null,
    string? Hop = null,
    double? Ms = null,
    string? Outcome = null,
    string? State = null,
    CallCost? Cost = null)
{
    /// <summary>A closed turn's per-hop split, for the pump's percentile window (not sent to browsers).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TurnSummary? Summary { get; init; }
}
