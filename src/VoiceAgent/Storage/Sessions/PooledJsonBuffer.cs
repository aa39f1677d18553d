using System.Buffers;

namespace VoiceAgent.Storage.Sessions;

/// <summary>
/// A growable byte buffer over <see cref="ArrayPool{T}.Shared"/> for one serialized snapshot. The array goes back to the
/// pool only through <see cref="Release"/>, called once the bytes are known to be sent: a write that failed or timed out
/// may still be queued in the client, so its buffer is left to the GC rather than reused under it.
/// </summary>
internal sealed class PooledJsonBuffer(int initialSize) : IBufferWriter<byte>
{
    private byte[] _array = ArrayPool<byte>.Shared.Rent(initialSize);
    private int _written;

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    /// <summary>The bytes are no longer needed by anyone: the array returns to the pool.</summary>
    public void Release()
    {
        var array = _array;
        _array = [];
        _written = 0;
        if (array.Length > 0) ArrayPool<byte>.Shared.Return(array);
    }

    private void Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _array.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _array.Length * 2));
        _array.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }
}
