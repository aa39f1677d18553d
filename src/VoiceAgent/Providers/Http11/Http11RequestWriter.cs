using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace VoiceAgent.Providers.Http11;

/// <summary>
/// Writes an <see cref="HttpRequestMessage"/> as HTTP/1.1 bytes into a connection's send buffer, head and body
/// together so they leave in one write: request line (origin form), <c>Host</c>, the request's and content's header
/// fields as given (values sent as Latin-1, as SocketsHttpHandler does), W3C trace context of the current activity
/// when the request has none, and <c>Content-Length</c> of the body (buffered first, so a content of unknown length is
/// sent with its length too). A header value with a line break is refused (it would split the request).
/// </summary>
internal static class Http11RequestWriter
{
    private static readonly DistributedContextPropagator.PropagatorSetterCallback SetHeader =
        static (carrier, name, value) => ((HttpRequestMessage)carrier!).Headers.TryAddWithoutValidation(name, value);

    /// <summary>The request's bytes in <paramref name="connection"/>'s send buffer; returns their count.</summary>
    public static async ValueTask<int> WriteAsync(Http11Connection connection, HttpRequestMessage request, string hostHeader, CancellationToken cancellationToken)
    {
        var body = connection.RequestBody;
        body.Clear();
        if (request.Content is { } content) await content.CopyToAsync(body.AsStream, cancellationToken).ConfigureAwait(false);
        if (Activity.Current is { } activity && !request.Headers.NonValidated.Contains("traceparent"))
            DistributedContextPropagator.Current.Inject(activity, request, SetHeader);
        return Write(connection, request, hostHeader, body.Written);
    }

    private static int Write(Http11Connection connection, HttpRequestMessage request, string hostHeader, ReadOnlySpan<byte> body)
    {
        var uri = request.RequestUri!;
        var target = uri.PathAndQuery;
        var size = 64 + request.Method.Method.Length + target.Length + hostHeader.Length + body.Length + HeaderBytes(request);
        var buffer = connection.SendBuffer(size).AsSpan();
        var at = 0;
        Ascii(buffer, ref at, request.Method.Method);
        Literal(buffer, ref at, " "u8);
        Ascii(buffer, ref at, target);
        Literal(buffer, ref at, " HTTP/1.1\r\nHost: "u8);
        if (request.Headers.NonValidated.TryGetValues("Host", out var host)) Value(buffer, ref at, host.ToString());
        else Ascii(buffer, ref at, hostHeader);
        Literal(buffer, ref at, "\r\n"u8);
        foreach (var header in request.Headers.NonValidated)
        {
            if (header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) continue;
            Field(buffer, ref at, header.Key, header.Value);
        }
        if (request.Content is { } content)
        {
            foreach (var header in content.Headers.NonValidated)
            {
                if (header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
                Field(buffer, ref at, header.Key, header.Value);
            }
        }
        if (request.Content is not null || request.Method == HttpMethod.Post || request.Method == HttpMethod.Put)
        {
            Literal(buffer, ref at, "Content-Length: "u8);
            Utf8Formatter.TryFormat(body.Length, buffer[at..], out var digits);
            at += digits;
            Literal(buffer, ref at, "\r\n"u8);
        }
        Literal(buffer, ref at, "\r\n"u8);
        body.CopyTo(buffer[at..]);
        return at + body.Length;
    }

    /// <summary>An upper bound of the header fields' bytes (names, values, separators).</summary>
    private static int HeaderBytes(HttpRequestMessage request)
    {
        var total = 0;
        foreach (var header in request.Headers.NonValidated) total += FieldBytes(header.Key, header.Value);
        if (request.Content is { } content)
            foreach (var header in content.Headers.NonValidated) total += FieldBytes(header.Key, header.Value);
        return total;
    }

    private static int FieldBytes(string name, HeaderStringValues values)
    {
        var total = name.Length + 4;
        foreach (var value in values) total += value.Length + 2;
        return total;
    }

    private static void Field(Span<byte> buffer, ref int at, string name, HeaderStringValues values)
    {
        Ascii(buffer, ref at, name);
        Literal(buffer, ref at, ": "u8);
        var first = true;
        foreach (var value in values)
        {
            if (!first) Literal(buffer, ref at, ", "u8);
            first = false;
            Value(buffer, ref at, value);
        }
        Literal(buffer, ref at, "\r\n"u8);
    }

    private static void Value(Span<byte> buffer, ref int at, string value)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            throw new HttpRequestException(HttpRequestError.Unknown, "A request header value contains a line break; the request was not sent.");
        at += Encoding.Latin1.GetBytes(value, buffer[at..]);
    }

    private static void Ascii(Span<byte> buffer, ref int at, string text)
    {
        if (Ascii(text, buffer[at..], out var written) != OperationStatus.Done)
            throw new HttpRequestException(HttpRequestError.Unknown, "A request line or header name is not ASCII; the request was not sent.");
        at += written;
    }

    private static OperationStatus Ascii(string text, Span<byte> destination, out int written)
        => System.Text.Ascii.FromUtf16(text, destination, out written);

    private static void Literal(Span<byte> buffer, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer[at..]);
        at += bytes.Length;
    }
}
