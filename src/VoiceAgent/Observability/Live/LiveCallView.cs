using VoiceAgent.Observability.Cost;
namespace VoiceAgent.Observability.Live;

/// <summary>A call as the dashboard shows it: its state, its latest turns with every stamped hop, and its cost once it ended.</summary>
internal sealed record LiveCallView(
    string CallId,
    string Transport,
    string State,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    int Turns,
    IReadOnlyList<LiveTurnView> RecentTurns,
    CallCost? Cost = null);

/// <summary>One turn: hop name → milliseconds after the turn began, in the order stamped; the outcome once closed.</summary>
internal sealed record LiveTurnView(int TurnId, IReadOnlyDictionary<string, double> Hops, string? Outcome);

/// <summary>p50/p95 of one budget row over the recent window, with the budget it is held to.</summary>
internal sealed record LatencyRowView(string Key, string Name, int Samples, double? P50Ms, double? P95Ms, double? BudgetLowMs, double? BudgetHighMs, bool OverBudget);

/// <summary>Everything the dashboard shows at once; the event stream keeps it current between snapshots.</summary>
internal sealed record DashboardSnapshot(
    DateTimeOffset At,
    int WindowMinutes,
    IReadOnlyList<LiveCallView> Calls,
    IReadOnlyList<LatencyRowView> Latency,
    long DroppedEvents);
