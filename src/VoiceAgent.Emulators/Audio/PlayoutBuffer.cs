namespace VoiceAgent.Emulators.Audio;

/// <summary>
/// The emulated phone's outbound playout queue: audio bytes and markers (Twilio <c>mark</c>, Vonage
/// <c>notify</c>) in the order the server sent them. Audio is taken a frame at a time; a marker is only
/// handed back once every byte queued before it has been taken. Not thread-safe: <see cref="PhoneLine{TMarker}"/>
/// guards it.
/// </summary>
internal sealed class PlayoutBuffer<TMarker>
{
    private readonly LinkedList<Entry> _entries = new();
    private int _headOffset; // bytes of the head audio entry already taken

    /// <summary>Audio bytes queued and not yet taken.</summary>
    public long BufferedBytes { get; private set; }

    /// <summary>Number of markers queued.</summary>
    public int MarkerCount { get; private set; }

    public void EnqueueAudio(ReadOnlyMemory<byte> audio)
    {
        if (audio.IsEmpty) return;
        _entries.AddLast(new Entry(audio, default, IsMarker: false));
        BufferedBytes += audio.Length;
    }

    public void EnqueueMarker(TMarker marker)
    {
        _entries.AddLast(new Entry(default, marker, IsMarker: true));
        MarkerCount++;
    }

    /// <summary>Removes the marker at the head of the queue, if no audio is queued before it.</summary>
    public bool TryDequeueLeadingMarker(out TMarker marker)
    {
        if (_entries.First is { Value.IsMarker: true } node)
        {
            _entries.RemoveFirst();
            MarkerCount--;
            marker = node.Value.Marker!;
            return true;
        }
        marker = default!;
        return false;
    }

    /// <summary>
    /// Copies up to <c>destination.Length</c> audio bytes into <paramref name="destination"/>. Markers the copy
    /// passes (audio was taken after them) are appended to <paramref name="passedMarkers"/>; markers right after
    /// the last byte taken stay at the head. Returns the number of bytes taken.
    /// </summary>
    public int Take(Span<byte> destination, List<TMarker> passedMarkers)
    {
        var taken = 0;
        List<TMarker>? skipped = null;
        while (taken < destination.Length && _entries.First is { } node)
        {
            if (node.Value.IsMarker)
            {
                // Only passed if more audio follows in this same take; decided below.
                (skipped ??= []).Add(node.Value.Marker!);
                _entries.RemoveFirst();
                MarkerCount--;
                continue;
            }
            var available = node.Value.Audio.Span[_headOffset..];
            var count = Math.Min(available.Length, destination.Length - taken);
            available[..count].CopyTo(destination[taken..]);
            taken += count;
            BufferedBytes -= count;
            _headOffset += count;
            if (_headOffset == node.Value.Audio.Length)
            {
                _entries.RemoveFirst();
                _headOffset = 0;
            }
            if (skipped is not null)
            {
                passedMarkers.AddRange(skipped);
                skipped = null;
            }
        }
        if (skipped is not null)
        {
            // No audio followed: put them back at the head, in order, as leading markers.
            for (var i = skipped.Count - 1; i >= 0; i--)
            {
                _entries.AddFirst(new Entry(default, skipped[i], IsMarker: true));
                MarkerCount++;
            }
        }
        return taken;
    }

    /// <summary>Empties the queue; returns the audio bytes discarded and appends the markers to <paramref name="markers"/>.</summary>
    public long Clear(List<TMarker> markers)
    {
        foreach (var entry in _entries)
            if (entry.IsMarker) markers.Add(entry.Marker!);
        var discarded = BufferedBytes;
        _entries.Clear();
        _headOffset = 0;
        BufferedBytes = 0;
        MarkerCount = 0;
        return discarded;
    }

    private readonly record struct Entry(ReadOnlyMemory<byte> Audio, TMarker? Marker, bool IsMarker);
}
