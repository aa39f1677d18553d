namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// What the playout scheduler's ticks looked like over a window of about five seconds: the gaps between consecutive
/// ticks (20 ms when on time), how long one walk over the playouts took, the thread pool's queue at the ticks and the
/// GC's pauses meanwhile. Owned by the scheduler's loop; fixed buffers, nothing allocated per tick.
/// </summary>
internal sealed class TickWindow(long frequency)
{
    /// <summary>Ticks per window: 250 × 20 ms = 5 s.</summary>
    public const int Size = 250;

    private readonly double[] _gapsMs = new double[Size];
    private long _lastTick;
    private TimeSpan _gcPauseAtStart;
    private int _gen0AtStart;
    private int _gen2AtStart;
    private bool _sorted;

    public int Ticks { get; private set; }
    public int Playouts { get; private set; }
    public double MaxWalkMs { get; private set; }
    public long MaxPendingWorkItems { get; private set; }
    public double GcPauseMs => (GC.GetTotalPauseDuration() - _gcPauseAtStart).TotalMilliseconds;
    public int Gen0 => GC.CollectionCount(0) - _gen0AtStart;
    public int Gen2 => GC.CollectionCount(2) - _gen2AtStart;

    /// <summary>Starts a new window at <paramref name="now"/> (the first tick's gap is counted from there).</summary>
    public void Restart(long now)
    {
        _lastTick = now;
        Ticks = 0;
        Playouts = 0;
        MaxWalkMs = 0;
        MaxPendingWorkItems = 0;
        _sorted = false;
        _gcPauseAtStart = GC.GetTotalPauseDuration();
        _gen0AtStart = GC.CollectionCount(0);
        _gen2AtStart = GC.CollectionCount(2);
    }

    /// <summary>A tick woke at <paramref name="woke"/> and finished its walk at <paramref name="walked"/>; true when the window is full.</summary>
    public bool Add(long woke, long walked, int playouts)
    {
        _gapsMs[Ticks++] = (woke - _lastTick) * 1000.0 / frequency;
        _lastTick = woke;
        MaxWalkMs = Math.Max(MaxWalkMs, (walked - woke) * 1000.0 / frequency);
        MaxPendingWorkItems = Math.Max(MaxPendingWorkItems, ThreadPool.PendingWorkItemCount);
        Playouts = Math.Max(Playouts, playouts);
        return Ticks == Size;
    }

    /// <summary>The <paramref name="quantile"/> (0–1) of the gaps between ticks in this window, in ms.</summary>
    public double GapMs(double quantile)
    {
        if (Ticks == 0) return double.NaN;
        if (!_sorted)
        {
            Array.Sort(_gapsMs, 0, Ticks);
            _sorted = true;
        }
        return _gapsMs[Math.Clamp((int)Math.Ceiling(quantile * Ticks) - 1, 0, Ticks - 1)];
    }
}
