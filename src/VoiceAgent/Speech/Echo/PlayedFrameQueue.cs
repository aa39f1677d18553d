namespace VoiceAgent.Speech.Echo;

/// <summary>
/// The frames we sent to the carrier and it has not played yet, in order: the playout loop adds each frame as it goes
/// out, and each inbound frame takes one (silence when none is waiting), which is how the carrier's 20 ms playout clock
/// lines our audio up with the caller's. A clear empties it (the carrier drops what it had buffered). Fixed capacity,
/// allocation-free; the oldest frame is dropped if the carrier stops taking (no inbound audio).
/// </summary>
internal sealed class PlayedFrameQueue(int samplesPerFrame, int capacity = 50)
{
    private readonly short[][] _frames = Enumerable.Range(0, capacity).Select(_ => new short[samplesPerFrame]).ToArray();
    private readonly short[] _silence = new short[samplesPerFrame];
    private int _head;
    private int _count;

    public int Count => _count;

    public void Add(ReadOnlySpan<short> frame)
    {
        if (_count == _frames.Length) { _head = (_head + 1) % _frames.Length; _count--; }
        frame.CopyTo(_frames[(_head + _count) % _frames.Length]);
        _count++;
    }

    /// <summary>The oldest frame not yet lined up with inbound audio, or silence. Valid until the next call.</summary>
    public ReadOnlySpan<short> Take()
    {
        if (_count == 0) return _silence;
        var frame = _frames[_head];
        _head = (_head + 1) % _frames.Length;
        _count--;
        return frame;
    }

    public void Clear() => _count = 0;
}
