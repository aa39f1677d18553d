using System.Buffers;

namespace VoiceAgent.Tests.TestSupport;

/// <summary>A real array pool (<see cref="ArrayPool{T}.Create()"/>) that counts the arrays rented and not yet returned.</summary>
internal sealed class CountingArrayPool : ArrayPool<byte>
{
    private readonly ArrayPool<byte> _inner = Create();
    private int _outstanding;
    private int _rented;

    /// <summary>Arrays rented and not returned yet.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>Arrays rented so far.</summary>
    public int Rented => Volatile.Read(ref _rented);

    public override byte[] Rent(int minimumLength)
    {
        Interlocked.Increment(ref _outstanding);
        Interlocked.Increment(ref _rented);
        return _inner.Rent(minimumLength);
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        Interlocked.Decrement(ref _outstanding);
        _inner.Return(array, clearArray);
    }
}
