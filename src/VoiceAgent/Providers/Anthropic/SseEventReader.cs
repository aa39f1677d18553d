using System.Buffers;
using System.Runtime.CompilerServices;
using VoiceAgent.Buffers;

namespace VoiceAgent.Providers.Anthropic;

/// <summary>
/// Reads server-sent events (the WHATWG <c>text/event-stream</c> format) from a stream into one pooled buffer, with
/// no allocation per event: after <see cref="ReadAsync"/> returns true, <see cref="EventName"/> and <see cref="Data"/>
/// point into the buffer until the next call. Lines end in LF or CRLF; comment lines (<c>:</c>) and fields other than
/// <c>event</c> and <c>data</c> are skipped; several <c>data</c> lines are joined with LF; a block without data is not
/// an event; an unfinished event at the end of the stream is dropped (as the format says).
/// </summary>
internal sealed class SseEventReader(Stream stream, int maxEventBytes = SseEventReader.DefaultMaxEventBytes) : IDisposable
{
    /// <summary>Largest event accepted (all its lines together); a larger one is a protocol error, not a reason to grow without bound.</summary>
    public const int DefaultMaxEventBytes = 1 << 20;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int _start; // first byte of the event being read
    private int _scan;  // first byte not yet split into lines
    private int _end;   // end of the bytes read so far
    private bool _endOfStream;
    private int _nameStart, _nameLength;
    private int _dataStart, _dataLength, _dataLines;
    private PooledByteBufferWriter? _joined; // only when an event has more than one data line

    /// <summary>The event's <c>event</c> field (empty when it had none).</summary>
    public ReadOnlySpan<byte> EventName => _buffer.AsSpan(_nameStart, _nameLength);

    /// <summary>The event's data: its <c>data</c> lines joined with LF.</summary>
    public ReadOnlySpan<byte> Data => _dataLines > 1 ? _joined!.WrittenSpan : _buffer.AsSpan(_dataStart, _dataLength);

    /// <summary>Reads up to the end of the next event; false at the end of the stream.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        StartEvent();
        while (true)
        {
            var newline = _buffer.AsSpan(_scan, _end - _scan).IndexOf((byte)'\n');
            if (newline < 0)
            {
                if (_endOfStream) return false;
                await FillAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            var lineStart = _scan;
            var lineLength = newline > 0 && _buffer[lineStart + newline - 1] == (byte)'\r' ? newline - 1 : newline;
            _scan += newline + 1;
            if (lineLength == 0)
            {
                if (_dataLines > 0) return true;
                StartEvent(); // a block without data dispatches nothing and forgets its event name
                continue;
            }
            ReadField(lineStart, lineLength);
        }
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

    /// <summary>Moves the unfinished event to the front (growing the buffer when it fills it), then reads more.</summary>
    /// <remarks>Pooled builder: every token arrives in its own read, so this completes asynchronously once per event.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
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
        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0) _endOfStream = true;
        _end += read;
    }
}
