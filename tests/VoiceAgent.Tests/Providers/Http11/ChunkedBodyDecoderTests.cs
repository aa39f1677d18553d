using System.Text;
using VoiceAgent.Providers.Http11;

namespace VoiceAgent.Tests.Providers.Http11;

/// <summary>The chunked-body decoder (RFC 9112 §7.1) on bytes handed over in every possible split.</summary>
public sealed class ChunkedBodyDecoderTests
{
    private const string Body = "event: a\ndata: {\"x\":1}\n\nevent: b\ndata: {\"y\":\"two\"}\n\n";

    // Three chunks (one with extensions, one in upper-case hex), the last chunk, two trailer fields.
    private static readonly byte[] Wire = Encoding.ASCII.GetBytes(
        "9\r\nevent: a\n\r\n"
        + "f;name=value;flag\r\ndata: {\"x\":1}\n\n\r\n"
        + "1C \t; ext=\"quoted;\"\r\nevent: b\ndata: {\"y\":\"two\"}\n\n\r\n"
        + "0;last\r\nServer-Timing: total;dur=12\r\nX-Trailer: yes\r\n\r\n");

    [Fact]
    public void A_body_with_extensions_and_trailers_split_at_every_byte_decodes_to_the_same_data()
    {
        for (var split = 0; split <= Wire.Length; split++)
        {
            var (data, complete) = Decode(Wire, [split, Wire.Length - split], destination: 256);

            Assert.Equal(Body, data);
            Assert.True(complete, $"not complete when split at {split}");
        }
    }

    [Fact]
    public void A_body_handed_over_one_byte_at_a_time_into_a_three_byte_buffer_decodes_to_the_same_data()
    {
        var (data, complete) = Decode(Wire, Enumerable.Repeat(1, Wire.Length).ToArray(), destination: 3);

        Assert.Equal(Body, data);
        Assert.True(complete);
    }

    [Fact]
    public void The_body_is_complete_only_after_the_blank_line_that_ends_the_trailers()
    {
        var withoutBlankLine = Wire[..^2];

        var (data, complete) = Decode(withoutBlankLine, [withoutBlankLine.Length], destination: 256);

        Assert.Equal(Body, data);
        Assert.False(complete);
    }

    [Fact]
    public void Bare_line_feeds_are_accepted_for_crlf()
    {
        var wire = Encoding.ASCII.GetBytes("5\nhello\n0\n\n");

        Assert.Equal(("hello", true), Decode(wire, [wire.Length], destination: 64));
    }

    [Theory]
    [InlineData("zz\r\nhello\r\n0\r\n\r\n")]
    [InlineData("-5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("\r\nhello\r\n0\r\n\r\n")]
    public void A_size_that_is_not_hex_is_a_clear_error(string wire)
    {
        var error = Assert.Throws<HttpIOException>(() => Decode(Encoding.ASCII.GetBytes(wire), [wire.Length], destination: 64));

        Assert.Equal(HttpRequestError.InvalidResponse, error.HttpRequestError);
        Assert.Contains("chunk", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_size_too_large_for_an_int_is_a_clear_error()
    {
        var error = Assert.Throws<HttpIOException>(() => Decode(Encoding.ASCII.GetBytes("80000000\r\n"), [10], destination: 64));

        Assert.Contains("too large", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chunk_size_line_longer_than_the_bound_is_a_clear_error_before_its_end_arrives()
    {
        var line = Encoding.ASCII.GetBytes("5;" + new string('x', ChunkedBodyDecoder.MaxLineBytes));

        var error = Assert.Throws<HttpIOException>(() => Decode(line, [line.Length], destination: 64));

        Assert.Equal(HttpRequestError.InvalidResponse, error.HttpRequestError);
        Assert.Contains($"longer than {ChunkedBodyDecoder.MaxLineBytes} bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_longer_than_its_chunk_size_is_a_clear_error()
    {
        var wire = Encoding.ASCII.GetBytes("3\r\nhello\r\n0\r\n\r\n");

        var error = Assert.Throws<HttpIOException>(() => Decode(wire, [wire.Length], destination: 64));

        Assert.Contains("longer than its size line says", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trailers_longer_than_the_bound_are_a_clear_error()
    {
        var trailer = "X-Pad: " + new string('p', 1000) + "\r\n";
        var wire = Encoding.ASCII.GetBytes("0\r\n" + string.Concat(Enumerable.Repeat(trailer, 20)) + "\r\n");

        var error = Assert.Throws<HttpIOException>(() => Decode(wire, [wire.Length], destination: 64));

        Assert.Contains("trailer", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Feeds <paramref name="wire"/> in pieces of the given sizes, as a receive buffer would hold them.</summary>
    private static (string Data, bool Complete) Decode(byte[] wire, int[] pieces, int destination)
    {
        var decoder = new ChunkedBodyDecoder();
        var received = new List<byte>();
        var output = new List<byte>();
        var buffer = new byte[destination];
        var offset = 0;
        foreach (var piece in pieces)
        {
            received.AddRange(wire.AsSpan(offset, piece).ToArray());
            offset += piece;
            for (var step = 0; step < 10_000 && !decoder.Completed; step++)
            {
                decoder.Decode(received.ToArray(), buffer, out var consumed, out var written);
                received.RemoveRange(0, consumed);
                output.AddRange(buffer.AsSpan(0, written).ToArray());
                if (consumed == 0 && written == 0) break;
            }
        }
        return (Encoding.ASCII.GetString(output.ToArray()), decoder.Completed);
    }
}
