using System.Buffers.Text;
using System.Net;
using System.Text;

namespace VoiceAgent.Providers.Http11;

/// <summary>
/// A response head (status line and header fields, RFC 9112 §4–5) parsed from the bytes a connection received:
/// the status, the body's framing and whether the connection may carry another request; the fields themselves are
/// copied into an <see cref="HttpResponseMessage"/> by <see cref="CopyFields"/>. Names the model path sees are matched
/// to interned strings, as are the common values, so a streamed reply's head allocates little beyond its own values.
/// </summary>
internal readonly ref struct Http11ResponseHead
{
    private static readonly string[] KnownNames =
    [
        "Content-Type", "Content-Length", "Transfer-Encoding", "Connection", "Date", "Server", "Keep-Alive", "Cache-Control",
        "request-id", "x-should-retry", "retry-after", "retry-after-ms", "anthropic-organization-id", "cf-ray", "via",
        "x-request-id", "openai-processing-ms", "openai-version", "x-envoy-upstream-service-time", "Vary", "Content-Encoding",
    ];

    private static readonly string[] KnownValues = ["text/event-stream", "application/json", "chunked", "keep-alive", "close", "true", "false", "0", "no-cache", "Kestrel"];

    private readonly ReadOnlySpan<byte> _fields;

    private Http11ResponseHead(int minorVersion, int status, ReadOnlySpan<byte> fields)
    {
        MinorVersion = minorVersion;
        Status = status;
        _fields = fields;
    }

    public int MinorVersion { get; }

    public int Status { get; }

    /// <summary>
    /// The head at the start of <paramref name="received"/> when all of it is there (<paramref name="length"/> bytes,
    /// the blank line included); false when more bytes are needed. Throws <see cref="HttpIOException"/> when the bytes
    /// are not an HTTP/1.x response head.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> received, out Http11ResponseHead head, out int length)
    {
        head = default;
        length = 0;
        var end = EndOfHead(received);
        if (end < 0) return false;
        length = end;
        var lineEnd = received.IndexOf((byte)'\n');
        var statusLine = TrimCr(received[..lineEnd]);
        // HTTP/1.x SSS[ reason]
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || statusLine[7] is < (byte)'0' or > (byte)'9' || (statusLine.Length > 12 && statusLine[12] != (byte)' ')
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var digits) || digits != 3 || status < 100)
            throw Invalid("the status line is not HTTP/1.x");
        head = new Http11ResponseHead(statusLine[7] - '0', status, received[(lineEnd + 1)..end]);
        return true;
    }

    /// <summary>The body's framing and whether the connection can be reused after it.</summary>
    public (Http11BodyFraming Framing, long ContentLength, bool KeepAlive) Framing(bool headRequest)
    {
        var keepAlive = MinorVersion >= 1;
        long? contentLength = null;
        var chunked = false;
        var transferEncoding = false;
        var fields = new FieldReader(_fields);
        while (fields.MoveNext())
        {
            var name = fields.Name;
            var value = fields.Value;
            if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                if (ContainsToken(value, "close"u8)) keepAlive = false;
                else if (ContainsToken(value, "keep-alive"u8)) keepAlive = true;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                transferEncoding = true;
                chunked = EndsWithToken(value, "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long parsed, out var used) || used != value.Length || parsed < 0)
                    throw Invalid("Content-Length is not a number");
                if (contentLength is { } earlier && earlier != parsed) throw Invalid("two different Content-Length values");
                contentLength = parsed;
            }
        }
        if (headRequest || Status is (>= 100 and < 200) or 204 or 304) return (Http11BodyFraming.None, 0, keepAlive);
        if (transferEncoding)
            return chunked ? (Http11BodyFraming.Chunked, 0, keepAlive && contentLength is null) : (Http11BodyFraming.UntilClose, 0, false);
        if (contentLength is { } length) return (length == 0 ? Http11BodyFraming.None : Http11BodyFraming.ContentLength, length, keepAlive);
        return (Http11BodyFraming.UntilClose, 0, false);
    }

    /// <summary>Adds every field to the response's headers, or its content's for content fields.</summary>
    public void CopyFields(HttpResponseMessage response)
    {
        var fields = new FieldReader(_fields);
        while (fields.MoveNext())
        {
            var nameText = Intern(fields.Name, KnownNames);
            var valueText = Intern(fields.Value, KnownValues);
            if (!response.Headers.TryAddWithoutValidation(nameText, valueText))
                response.Content.Headers.TryAddWithoutValidation(nameText, valueText);
        }
    }

    private static string Intern(ReadOnlySpan<byte> bytes, string[] known)
    {
        foreach (var text in known)
            if (text.Length == bytes.Length && Ascii.EqualsIgnoreCase(bytes, text))
                return text;
        return Encoding.Latin1.GetString(bytes);
    }

    private static int EndOfHead(ReadOnlySpan<byte> received)
    {
        var crlf = received.IndexOf("\r\n\r\n"u8);
        var lf = received.IndexOf("\n\n"u8);
        if (crlf < 0) return lf < 0 ? -1 : lf + 2;
        return lf < 0 || crlf + 4 <= lf + 2 ? crlf + 4 : lf + 2;
    }

    private static bool ContainsToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
            if (Ascii.EqualsIgnoreCase(Trim(value[range]), token)) return true;
        return false;
    }

    private static bool EndsWithToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        var last = value.LastIndexOf((byte)',');
        return Ascii.EqualsIgnoreCase(Trim(last < 0 ? value : value[(last + 1)..]), token);
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> value) => value[Ascii.Trim(value)];

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) => line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    private static HttpIOException Invalid(string what) => new(HttpRequestError.InvalidResponse, $"The response is not valid HTTP/1.1: {what}.");

    /// <summary>The header fields, one per line, as (name, trimmed value); a line without a colon or a folded line is an error.</summary>
    private ref struct FieldReader(ReadOnlySpan<byte> fields)
    {
        private ReadOnlySpan<byte> _rest = fields;

        public ReadOnlySpan<byte> Name { get; private set; }

        public ReadOnlySpan<byte> Value { get; private set; }

        public bool MoveNext()
        {
            while (!_rest.IsEmpty)
            {
                var newline = _rest.IndexOf((byte)'\n');
                var line = TrimCr(newline < 0 ? _rest : _rest[..newline]);
                _rest = newline < 0 ? default : _rest[(newline + 1)..];
                if (line.IsEmpty) continue;
                if (line[0] is (byte)' ' or (byte)'\t') throw Invalid("a folded header line");
                var colon = line.IndexOf((byte)':');
                if (colon <= 0 || line[..colon].IndexOfAny((byte)' ', (byte)'\t') >= 0) throw Invalid("a header line without a name");
                Name = line[..colon];
                Value = Trim(line[(colon + 1)..]);
                return true;
            }
            return false;
        }
    }
}
