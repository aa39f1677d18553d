using System.Numerics;

namespace VoiceAgent.Speech.Vad;

/// <summary>
/// Band levels of the frames we played to the caller, placed on the inbound frame clock. Playback is a queue:
/// a frame sent while earlier ones are still queued plays after them, so frames sent faster than real time
/// land in later slots, and <see cref="ClearQueued"/> drops what was never played (barge-in <c>clear</c>).
/// Each slot is tagged with its absolute index so stale ring entries read as silence. The ring size is a power
/// of two so a slot's index is a mask, not a division.
/// </summary>
internal sealed class PlaybackHistory
{
    /// <summary>The level reported for a slot in which nothing was played.</summary>
    public const float NothingPlayedDbfs = -120f;

    private readonly float[] _levels;
    private readonly long[] _slots;
    private readonly int _usable;
    private readonly long _mask;
    private long _nextSlot;

    /// <param name="lookBackFrames">How far behind the current frame slots are still read.</param>
    /// <param name="queueFrames">How far ahead of the current frame playback may be queued.</param>
    public PlaybackHistory(int lookBackFrames, int queueFrames)
    {
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)(lookBackFrames + queueFrames + 2));
        _levels = new float[capacity];
        _slots = new long[capacity];
        _mask = capacity - 1;
        _usable = queueFrames;
        Array.Fill(_slots, -1L);
    }

    /// <summary>The last slot (exclusive) holding queued playback; equal to or below the current frame when the queue is empty.</summary>
    public long QueueEnd => _nextSlot;

    /// <summary>Queues a played frame of <paramref name="levelDbfs"/> while inbound frame <paramref name="currentFrame"/> is next.</summary>
    public void Record(long currentFrame, float levelDbfs)
    {
        long slot = Math.Max(_nextSlot, currentFrame);
        _nextSlot = slot + 1;
        if (slot - currentFrame > _usable)
        {
            return; // queued further ahead than we track; it will read as silence
        }

        int index = (int)(slot & _mask);
        _levels[index] = levelDbfs;
        _slots[index] = slot;
    }

    /// <summary>The level played in <paramref name="slot"/>, or <see cref="NothingPlayedDbfs"/>.</summary>
    public float LevelAt(long slot)
    {
        if (slot < 0)
        {
            return NothingPlayedDbfs;
        }

        int index = (int)(slot & _mask);
        return _slots[index] == slot ? _levels[index] : NothingPlayedDbfs;
    }

    /// <summary>The loudest level played in slots <paramref name="first"/>..<paramref name="last"/> inclusive.</summary>
    public float MaxLevel(long first, long last)
    {
        float max = NothingPlayedDbfs;
        for (long slot = first; slot <= last; slot++)
        {
            max = MathF.Max(max, LevelAt(slot));
        }

        return max;
    }

    /// <summary>Forgets playback queued for <paramref name="currentFrame"/> and later: it was cleared before it played.</summary>
    public void ClearQueued(long currentFrame)
    {
        for (long slot = currentFrame; slot < _nextSlot; slot++)
        {
            int index = (int)(slot & _mask);
            if (_slots[index] == slot)
            {
                _slots[index] = -1;
            }
        }

        _nextSlot = Math.Min(_nextSlot, currentFrame);
    }
}
