namespace VoiceAgent.Providers.Http11;

/// <summary>
/// Decodes an HTTP/1.1 chunked body (RFC 9112 §7.1) synchronously, from whatever bytes have been received, into the
/// caller's buffer: no allocation and no state machine per read. Chunk extensions are skipped, trailer fields read and
/// dropped (nobody on the model path reads them), bare LF accepted for CRLF as most servers' parsers do. A size line
/// that is not hex, overflows, or is longer than <see cref="MaxLineBytes"/>, and a chunk not followed by its line end,
/// are protocol errors (<see cref="HttpIOException"/> with <see cref="HttpRequestError.InvalidResponse"/>, as
/// SocketsHttpHandler raises them).
/// </summary>
internal sealed class ChunkedBodyDecoder
{
    /// <summary>Longest chunk-size line (with extensions) or trailer line accepted.</summary>
    public const int MaxLineBytes = 4096;

    /// <summary>Most trailer bytes accepted in all.</summary>
    public const int MaxTrailerBytes = 16 * 1024;

    private State _state = State.SizeLine;
    private long _remaining; // bytes of the current chunk's data still to come
    private int _trailerBytes;

    private enum State { SizeLine, Data, DataEnd, Trailers, Done }

    /// <summary>Whether the last chunk and the trailers have been read: the body is complete.</summary>
    public bool Completed => _state == State.Done;

    /// <summary>
    /// Decodes from <paramref name="source"/> into <paramref name="destination"/>: <paramref name="consumed"/> bytes of the
    /// source were used (the rest, an unfinished line, must be offered again with more bytes after it),
    /// <paramref name="written"/> bytes of body data were produced. Stops when the destination is full or the body is
    /// complete.
    /// </summary>
    public void Decode(ReadOnlySpan<byte> source, Span<byte> destination, out int consumed, out int written)
    {
        consumed = 0;
        written = 0;
        while (_state != State.Done)
        {
            var rest = source[consumed..];
            switch (_state)
            {
                case State.SizeLine:
                {
                    if (!TryTakeLine(rest, out var line, out var used)) return;
                    _remaining = ParseSize(line);
                    consumed += used;
                    _state = _remaining == 0 ? State.Trailers : State.Data;
                    break;
                }
                case State.Data:
                {
                    var n = (int)Math.Min(_remaining, Math.Min(rest.Length, destination.Length - written));
                    if (n == 0) return;
                    rest[..n].CopyTo(destination[written..]);
                    consumed += n;
                    written += n;
                    _remaining -= n;
                    if (_remaining == 0) _state = State.DataEnd;
                    break;
                }
                case State.DataEnd:
                {
                    if (rest.IsEmpty) return;
                    if (rest[0] == (byte)'\n')
                    {
                        consumed += 1;
                    }
                    else if (rest[0] == (byte)'\r')
                    {
                        if (rest.Length < 2) return;
                        if (rest[1] != (byte)'\n') throw Invalid("a chunk's data is not followed by CRLF");
                        consumed += 2;
                    }
                    else
                    {
                        throw Invalid("a chunk's data is longer than its size line says");
                    }
                    _state = State.SizeLine;
                    break;
                }
                case State.Trailers:
                {
                    if (!TryTakeLine(rest, out var line, out var used)) return;
                    consumed += used;
                    _trailerBytes += used;
                    if (_trailerBytes > MaxTrailerBytes) throw Invalid($"the trailer fields are longer than {MaxTrailerBytes} bytes");
                    if (line.IsEmpty) _state = State.Done;
                    break;
                }
            }
        }
    }

    /// <summary>A line ending in LF (CR before it dropped); false when the line is not complete yet.</summary>
    private static bool TryTakeLine(ReadOnlySpan<byte> source, out ReadOnlySpan<byte> line, out int used)
    {
        var newline = source[..Math.Min(source.Length, MaxLineBytes + 1)].IndexOf((byte)'\n');
        if (newline < 0)
        {
            if (source.Length > MaxLineBytes) throw Invalid($"a chunk-size or trailer line is longer than {MaxLineBytes} bytes");
            line = default;
            used = 0;
            return false;
        }
        used = newline + 1;
        line = newline > 0 && source[newline - 1] == (byte)'\r' ? source[..(newline - 1)] : source[..newline];
        return true;
    }

    /// <summary>The hex chunk size before any extension (<c>;name=value</c>) or whitespace.</summary>
    private static long ParseSize(ReadOnlySpan<byte> line)
    {
        long size = 0;
        var digits = 0;
        foreach (var b in line)
        {
            var value = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (value < 0)
            {
                if (b is (byte)';' or (byte)' ' or (byte)'\t') break;
                throw Invalid("a chunk size is not a hexadecimal number");
            }
            if (++digits > 15) throw Invalid("a chunk size is too large");
            size = (size << 4) | (uint)value;
        }
        if (digits == 0) throw Invalid("a chunk-size line has no size");
        if (size > int.MaxValue) throw Invalid("a chunk size is too large");
        return size;
    }

    private static HttpIOException Invalid(string what) => new(HttpRequestError.InvalidResponse, $"The response's chunked body is invalid: {what}.");
}
