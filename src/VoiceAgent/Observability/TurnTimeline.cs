using VoiceAgent.Providers.Resilience;

namespace VoiceAgent.Observability;

/// <summary>
/// Monotonic timestamps of one turn, all from the call's one <see cref="TimeProvider"/>. A hop is stamped
/// once (the first time); later stamps of the same hop are ignored.
/// </summary>
public sealed class TurnTimeline
{
    private static readonly int HopCount = Enum.GetValues<TurnHop>().Length;
    private readonly long[] _stamps = new long[HopCount];
    private readonly TimeProvider _clock;
    private readonly Live.ITurnHopObserver? _observer;

    internal TurnTimeline(TimeProvider clock, string callId, int turnId, Live.ITurnHopObserver? observer = null)
    {
        _clock = clock;
        CallId = callId;
        TurnId = turnId;
        _observer = observer;
    }

    public string CallId { get; }
    public int TurnId { get; }

    /// <summary>Stamps <paramref name="hop"/> now (or at <paramref name="timestamp"/>); false if already stamped.</summary>
    public bool Mark(TurnHop hop, long timestamp = 0)
    {
        ref var slot = ref _stamps[(int)hop];
        if (slot != 0) return false;
        slot = timestamp != 0 ? timestamp : _clock.GetTimestamp();
        _observer?.HopMarked(this, hop);
        return true;
    }

    /// <summary>What the first-token race did in this turn; null when no second request was needed.</summary>
    public ModelRaceResult? ModelRace { get; private set; }

    /// <summary>Records a first-token race: its result, and when the second request went out.</summary>
    internal void RecordModelRace(ModelRaceResult race)
    {
        ModelRace ??= race;
        Mark(TurnHop.SecondModelRequestSent, race.SecondRequestStartedAt);
    }

    /// <summary>The raw timestamp of a hop, or 0.</summary>
    public long this[TurnHop hop] => _stamps[(int)hop];

    /// <summary>Milliseconds from one hop to another; NaN if either is missing.</summary>
    public double Between(TurnHop from, TurnHop to)
    {
        var a = _stamps[(int)from];
        var b = _stamps[(int)to];
        return a == 0 || b == 0 ? double.NaN : _clock.GetElapsedTime(a, b).TotalMilliseconds;
    }

    /// <summary>Milliseconds from the turn's first stamped hop to <paramref name="hop"/>; NaN if it is not stamped.</summary>
    public double SinceOrigin(TurnHop hop) => Origin is { } origin ? Between(origin, hop) : double.NaN;

    /// <summary>The first stamped hop: where this turn's clock starts.</summary>
    public TurnHop? Origin
    {
        get
        {
            for (var i = 0; i < _stamps.Length; i++) if (_stamps[i] != 0) return (TurnHop)i;
            return null;
        }
    }
}
