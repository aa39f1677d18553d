namespace VoiceAgent.Speech.Echo;

/// <summary>
/// The far-end reference on the carrier's timeline, not by arrival order: every frame we send is placed at the position
/// on the carrier's stream clock where it plays, and each inbound frame is paired with what was playing at the position
/// the carrier stamps on it. Inbound frames that arrive late, in bursts or with gaps (a carrier that sends nothing while
/// the line is silent) therefore do not move the alignment.
/// <list type="bullet">
/// <item>Inbound position: Twilio Media Streams' <c>media.timestamp</c> (ms since the stream started); without one
/// (Vonage, which stamps nothing) the inbound frame count since the start, 20 ms each.</item>
/// <item>Our clock → the carrier's: the least-delayed inbound frame of the last few seconds gives the offset (a frame
/// can arrive late, never early), so jitter and bursts do not move it; two alternating windows let it follow drift.</item>
/// <item>Outbound position: a frame plays when the carrier has played everything before it, or now if its buffer ran
/// dry (<c>max(now on the carrier's clock, end of what was queued)</c>), on the carrier's 20 ms grid.</item>
/// <item>A <c>clear</c> drops what was queued after the frame playing now: it never plays, so it is no reference.</item>
/// </list>
/// Fixed capacity (<see cref="HistoryMs"/> behind and ahead of the carrier's playhead), allocation-free per frame;
/// time is in the caller's timestamp units (<c>TimeProvider</c> ticks).
/// </summary>
internal sealed class FarEndTimeline
{
    /// <summary>How much played audio is kept (far more than a carrier's buffer plus the longest echo).</summary>
    public const int HistoryMs = 4000;

    /// <summary>Each window of the clock-offset minimum; the offset is the least of this and the previous window.</summary>
    public const int OffsetWindowMs = 5000;

    private readonly int _sampleRate;
    private readonly int _frame;
    private readonly long _frequency;
    private readonly short[] _ring;
    private readonly short[] _reference;
    private long _writtenFrom; // carrier sample position of the oldest sample still valid in the ring
    private long _writtenEnd;  // carrier sample position just after the last sample written (queued end)
    private long _lastInboundMs = long.MinValue;
    private bool _anchored;
    private long _offsetCurrent = long.MaxValue; // min(receivedAt − carrier time) in this window, in clock ticks
    private long _offsetPrevious = long.MaxValue;
    private long _windowStartedAt;
    private readonly long _windowTicks;
    private long _clearedAt = long.MinValue;

    public FarEndTimeline(int sampleRate, long timestampFrequency)
    {
        _sampleRate = sampleRate;
        _frame = sampleRate / 50;
        _frequency = timestampFrequency;
        _ring = new short[sampleRate * HistoryMs / 1000 * 2];
        _reference = new short[_frame];
        _windowTicks = timestampFrequency * OffsetWindowMs / 1000;
    }

    /// <summary>Where the last inbound frame sits on the carrier's clock (ms since the stream started).</summary>
    public long LastInboundMs => _lastInboundMs;

    /// <summary>Carrier sample position just after the last frame queued (where the next frame would play, at the earliest).</summary>
    public long QueuedEnd => _writtenEnd;

    /// <summary>
    /// One inbound frame, received at <paramref name="receivedAt"/>, stamped <paramref name="carrierMs"/> by the carrier
    /// (null: none, counted as the previous frame's position + 20 ms). Returns the far-end audio that was playing during
    /// that frame (silence where nothing was); valid until the next call.
    /// </summary>
    public ReadOnlySpan<short> Inbound(long? carrierMs, long receivedAt)
    {
        var ms = carrierMs ?? (_lastInboundMs == long.MinValue ? 0 : _lastInboundMs + 20);
        _lastInboundMs = ms;
        ObserveOffset(receivedAt, ms);
        var start = ms * _sampleRate / 1000;
        Read(start, _reference);
        return _reference;
    }

    /// <summary>A frame we sent at <paramref name="sentAt"/>: placed where it plays on the carrier's timeline.</summary>
    public void Sent(ReadOnlySpan<short> frame, long sentAt)
    {
        if (sentAt <= _clearedAt) return; // left before a clear that the carrier applied after it: dropped with the rest
        var now = CarrierSampleAt(sentAt);
        var at = Math.Max(now, _writtenEnd);
        if (at > _writtenEnd)
        {
            // The carrier's buffer ran dry: a gap of silence, then this frame.
            ZeroRange(_writtenEnd, at);
        }
        Write(at, frame);
        _writtenEnd = at + frame.Length;
        if (_writtenEnd - _writtenFrom > _ring.Length) _writtenFrom = _writtenEnd - _ring.Length;
    }

    /// <summary>A <c>clear</c> sent at <paramref name="clearedAt"/>: what was queued after the frame playing then never plays.</summary>
    public void Cleared(long clearedAt)
    {
        _clearedAt = clearedAt;
        var now = CarrierSampleAt(clearedAt);
        // The frame playing now finishes (carriers do not cut a frame); everything after it is dropped.
        var keep = Math.Max((now + _frame - 1) / _frame * _frame, _writtenFrom);
        if (keep < _writtenEnd) _writtenEnd = keep;
    }

    /// <summary>The carrier's stream position (samples) at our time <paramref name="at"/>, on its 20 ms grid (rounded up).</summary>
    internal long CarrierSampleAt(long at)
    {
        if (!_anchored) return (_lastInboundMs == long.MinValue ? 0 : _lastInboundMs) * _sampleRate / 1000;
        var offset = Math.Min(_offsetCurrent, _offsetPrevious);
        var ticks = at - offset;
        var samples = (long)((double)ticks / _frequency * _sampleRate);
        return (samples + _frame - 1) / _frame * _frame;
    }

    private void ObserveOffset(long receivedAt, long carrierMs)
    {
        var offset = receivedAt - carrierMs * _frequency / 1000;
        if (!_anchored)
        {
            _anchored = true;
            _windowStartedAt = receivedAt;
        }
        else if (receivedAt - _windowStartedAt >= _windowTicks)
        {
            _offsetPrevious = _offsetCurrent;
            _offsetCurrent = long.MaxValue;
            _windowStartedAt = receivedAt;
        }
        if (offset < _offsetCurrent) _offsetCurrent = offset;
    }

    private void Read(long start, Span<short> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            var position = start + i;
            destination[i] = position >= _writtenFrom && position < _writtenEnd && position >= 0 ? _ring[(int)(position % _ring.Length)] : (short)0;
        }
    }

    private void Write(long at, ReadOnlySpan<short> frame)
    {
        if (at < 0) return;
        var index = (int)(at % _ring.Length);
        var first = Math.Min(frame.Length, _ring.Length - index);
        frame[..first].CopyTo(_ring.AsSpan(index));
        frame[first..].CopyTo(_ring);
    }

    private void ZeroRange(long from, long to)
    {
        if (to - from >= _ring.Length)
        {
            Array.Clear(_ring);
            return;
        }
        for (var position = from; position < to; position++) _ring[(int)(position % _ring.Length)] = 0;
    }
}
