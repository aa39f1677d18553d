using System.Buffers;
using VoiceAgent.Buffers;

namespace VoiceAgent.Providers.Anthropic;

/// <summary>
/// Reads server-sent events (the WHATWG <c>text/event-stream</c> format) into one pooled buffer, with no allocation per
/// event and no I/O of its own: the owner reads into <see cref="GetFillMemory"/> and calls <see cref="Advance"/>, so the
/// only async loop is the owner's (the client's stream iterator). After <see cref="TryReadEvent"/> returns true,
/// <see cref="EventName"/> and <see cref="Data"/> point into the buffer until the next call. Lines end in LF or CRLF; comment lines (<c>:</c>) and fields other than
/// <c>event</c> and <c>data</c> are skipped; several <c>data</c> lines are joined with LF; a block without data is not
/// an event; an unfinished event at the end of the stream is dropped (as the format says).
/// </summary>
internal sealed class SseEventReader(int maxEventBytes = SseEventReader.DefaultMaxEventBytes) : IDisposable
{
    /// <summary>Largest event accepted (all its lines together); a larger one is a protocol error, not a reason to grow without bound.</summary>
    public const int DefaultMaxEventBytes = 1 << 20;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int _start; // first byte of the event being read
    private int _scan;  // first byte not yet split into lines
    private int _end;   // end of the bytes read so far
    private bool _endOfStream;
    private bool _dispatched = true; // the last event was handed out: the next read starts a new one
    private int _nameStart, _nameLength;
    private int _dataStart, _dataLength, _dataLines;
    private PooledByteBufferWriter? _joined; // only when an event has more than one data line

    /// <summary>The event's <c>event</c> field (empty when it had none).</summary>
    public ReadOnlySpan<byte> EventName => _buffer.AsSpan(_nameStart, _nameLength);

    /// <summary>The event's data: its <c>data</c> lines joined with LF.</summary>
    public ReadOnlySpan<byte> Data => _dataLines > 1 ? _joined!.WrittenSpan : _buffer.AsSpan(_dataStart, _dataLength);

    /// <summary>Whether the stream has ended: no bytes will follow the ones buffered.</summary>
    public bool EndOfStream => _endOfStream;

    /// <summary>
    /// The next event from the bytes already buffered, without reading: true when one is complete (its fields valid
    /// until the next call); false when more bytes are needed (<see cref="GetFillMemory"/>, then <see cref="Advance"/>)
    /// or, with <see cref="EndOfStream"/>, when the stream is over (an unfinished event is dropped). A caller that owns
    /// its own async loop (the client's stream iterator) reads with these, so no state machine of ours runs per event.
    /// </summary>
    public bool TryReadEvent()
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        if (_dispatched)
        {
            StartEvent();
            _dispatched = false;
        }
        while (true)
        {
            var newline = _buffer.AsSpan(_scan, _end - _scan).IndexOf((byte)'\n');
            if (newline < 0) return false;
            var lineStart = _scan;
            var lineLength = newline > 0 && _buffer[lineStart + newline - 1] == (byte)'\r' ? newline - 1 : newline;
            _scan += newline + 1;
            if (lineLength == 0)
            {
                if (_dataLines > 0)
                {
                    _dispatched = true;
                    return true;
                }
                StartEvent(); // a block without data dispatches nothing and forgets its event name
                continue;
            }
            ReadField(lineStart, lineLength);
        }
    }

    /// <summary>
    /// Where the next read goes: moves the unfinished event to the front and grows the buffer when it is full (a
    /// protocol error past the event bound). Call <see cref="Advance"/> with the count read.
    /// </summary>
    public Memory<byte> GetFillMemory()
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        if (_start > 0)
        {
            var shift = _start;
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= shift;
            _scan -= shift;
            _start = 0;
            if (_nameLength > 0) _nameStart -= shift;
            if (_dataLines > 0) _dataStart -= shift;
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= maxEventBytes)
                throw new InvalidDataException($"A server-sent event is longer than {maxEventBytes} bytes; the stream is not a valid event stream.");
            var grown = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, maxEventBytes));
            _buffer.AsSpan(0, _end).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = grown;
        }
        return _buffer.AsMemory(_end);
    }

    /// <summary>Takes <paramref name="read"/> bytes written into <see cref="GetFillMemory"/>; 0 is the end of the stream.</summary>
    public void Advance(int read)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(read);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(read, _buffer.Length - _end);
        if (read == 0) _endOfStream = true;
        _end += read;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        _joined?.Dispose();
    }

    private void StartEvent()
    {
        _start = _scan;
        _nameStart = _nameLength = 0;
        _dataStart = _dataLength = _dataLines = 0;
        _joined?.Clear();
    }

    private void ReadField(int lineStart, int lineLength)
    {
        var line = _buffer.AsSpan(lineStart, lineLength);
        if (line[0] == (byte)':') return; // comment
        var colon = line.IndexOf((byte)':');
        var field = colon < 0 ? line : line[..colon];
        var valueStart = colon < 0 ? lineLength : colon + 1;
        if (valueStart < lineLength && line[valueStart] == (byte)' ') valueStart++;
        if (field.SequenceEqual("event"u8))
        {
            _nameStart = lineStart + valueStart;
            _nameLength = lineLength - valueStart;
        }
        else if (field.SequenceEqual("data"u8))
        {
            AddData(lineStart + valueStart, lineLength - valueStart);
        }
    }

    private void AddData(int start, int length)
    {
        if (_dataLines == 0)
        {
            (_dataStart, _dataLength) = (start, length);
        }
        else
        {
            _joined ??= new PooledByteBufferWriter(256);
            if (_dataLines == 1) _joined.Write(_buffer.AsSpan(_dataStart, _dataLength));
            _joined.Write("\n"u8);
            _joined.Write(_buffer.AsSpan(start, length));
        }
        _dataLines++;
    }
}
