using System.Globalization;
using System.Text;

namespace VoiceAgent.Telephony.MediaStreams;

/// <summary>
/// The one reading of a <c>media.timestamp</c> (milliseconds since the stream started, sent as a JSON string holding
/// an integer), shared by the in-place hot-path reader (<see cref="MediaStreamsMediaReader"/>) and the full parser
/// (<see cref="MediaStreamsInboundMessage.MediaPayload.TimestampMs"/>): ASCII digits only (no sign, space, separator or
/// exponent) within a <see cref="long"/>; anything else is treated as absent (null).
/// </summary>
internal static class MediaStreamsTimestamp
{
    /// <summary>The value's UTF-8 text (unescaped).</summary>
    public static long? Parse(ReadOnlySpan<byte> utf8)
        => long.TryParse(utf8, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms : null;

    /// <summary>The value as the full parser deserialized it; transcoded to UTF-8 and read by <see cref="Parse(ReadOnlySpan{byte})"/>.</summary>
    public static long? Parse(string? text)
    {
        if (text is null) return null;
        const int StackLimit = 64;
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> utf8 = max <= StackLimit ? stackalloc byte[StackLimit] : new byte[max];
        return Parse(utf8[..Encoding.UTF8.GetBytes(text, utf8)]);
    }
}
