using System.Buffers;

namespace VoiceAgent.Providers.Deepgram;

/// <summary>A chunk of caller audio in a pooled buffer, at <see cref="Position"/> bytes into the session's audio.</summary>
internal readonly record struct AudioChunk(byte[] Buffer, int Length, long Position)
{
    public long End => Position + Length;
    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);
}

/// <summary>
/// Audio that a new socket may need after a drop: the newest chunks up to a byte capacity, oldest first.
/// Owns the pooled buffers it holds and returns them to <see cref="ArrayPool{T}.Shared"/> when it lets go.
/// Used by one task at a time (the session's pump, or its drain while reconnecting).
/// </summary>
internal sealed class AudioReplayBuffer(long capacityBytes, bool retainsSentAudio)
{
    private readonly Queue<AudioChunk> _chunks = new();

    /// <summary>
    /// True when audio stays here after it was sent (until a final result covers it), because the byte rate
    /// maps result times to positions. False for compressed encodings: only unsent audio is kept.
    /// </summary>
    public bool RetainsSentAudio { get; } = retainsSentAudio;

    public long BufferedBytes { get; private set; }

    public int Count => _chunks.Count;

    /// <summary>Position of the oldest chunk, or <c>null</c> when empty.</summary>
    public long? FirstPosition => _chunks.TryPeek(out var chunk) ? chunk.Position : null;

    /// <summary>Keeps <paramref name="chunk"/>; drops the oldest chunks while over capacity.</summary>
    public void Add(AudioChunk chunk)
    {
        _chunks.Enqueue(chunk);
        BufferedBytes += chunk.Length;
        while (BufferedBytes > capacityBytes && _chunks.Count > 0) Release(_chunks.Dequeue());
    }

    /// <summary>Drops chunks that end at or before <paramref name="position"/> (a final result covered them).</summary>
    public void TrimThrough(long position)
    {
        while (_chunks.TryPeek(out var oldest) && oldest.End <= position) Release(_chunks.Dequeue());
    }

    /// <summary>The held chunks, oldest first; the buffer keeps owning them.</summary>
    public AudioChunk[] Snapshot() => [.. _chunks];

    /// <summary>Drops the <paramref name="count"/> oldest chunks.</summary>
    public void RemoveOldest(int count)
    {
        for (var i = 0; i < count && _chunks.Count > 0; i++) Release(_chunks.Dequeue());
    }

    public void Clear() => RemoveOldest(_chunks.Count);

    private void Release(AudioChunk chunk)
    {
        BufferedBytes -= chunk.Length;
        ArrayPool<byte>.Shared.Return(chunk.Buffer);
    }
}
