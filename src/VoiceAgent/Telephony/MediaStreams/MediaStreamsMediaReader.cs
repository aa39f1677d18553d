using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace VoiceAgent.Telephony.MediaStreams;

/// <summary>What <see cref="MediaStreamsMediaReader.TryRead"/> made of a message.</summary>
internal enum MediaFrameRead
{
    /// <summary>Not a plain <c>media</c> message (another event, escaped text, malformed JSON): parse it in full.</summary>
    NotMedia,

    /// <summary>Inbound caller audio, decoded into the destination.</summary>
    Audio,

    /// <summary>A <c>media</c> message of another track (the outbound track of a both-tracks stream): nothing to hear.</summary>
    OtherTrack,
}

/// <summary>
/// The hot path of a Media Streams socket: reads a <c>media</c> message (50 a second per call) in place, with no
/// object, string or intermediate array, decoding its base64 payload straight into the caller's buffer. Everything it
/// does not recognise as a well-formed <c>media</c> message with an unescaped, decodable payload (and an unescaped
/// timestamp) is left to the full
/// parser (<see cref="MediaStreamsInboundMessage"/>), which handles or explains it as before (another event, an escaped
/// or undecodable payload, malformed JSON).
/// </summary>
internal static class MediaStreamsMediaReader
{
    /// <param name="json">One whole text message.</param>
    /// <param name="audio">Where the payload's bytes go.</param>
    /// <param name="length">Bytes written to <paramref name="audio"/> (with <see cref="MediaFrameRead.Audio"/>).</param>
    /// <param name="timestampMs">The frame's <c>media.timestamp</c> (ms since the stream started, sent as a JSON string);
    /// null when absent or not digits only, read by <see cref="MediaStreamsTimestamp"/> as the full parser reads it.</param>
    public static MediaFrameRead TryRead(ReadOnlySpan<byte> json, Span<byte> audio, out int length, out long? timestampMs)
    {
        length = 0;
        timestampMs = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return MediaFrameRead.NotMedia;
            var isMedia = false;
            var payloadSeen = false;
            var inbound = true; // a missing track is the caller's (a single-track stream)
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("event"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("media"u8)) return MediaFrameRead.NotMedia;
                    isMedia = true;
                }
                else if (reader.ValueTextEquals("media"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return MediaFrameRead.NotMedia;
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("track"u8))
                        {
                            if (!reader.Read()) return MediaFrameRead.NotMedia;
                            if (reader.TokenType == JsonTokenType.Null) continue;
                            if (reader.TokenType != JsonTokenType.String) return MediaFrameRead.NotMedia;
                            inbound = reader.ValueTextEquals("inbound"u8);
                        }
                        else if (reader.ValueTextEquals("payload"u8))
                        {
                            if (!reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || payloadSeen) return MediaFrameRead.NotMedia;
                            if (Base64.DecodeFromUtf8(reader.ValueSpan, audio, out _, out length) != OperationStatus.Done || length == 0) return MediaFrameRead.NotMedia;
                            payloadSeen = true;
                        }
                        else if (reader.ValueTextEquals("timestamp"u8))
                        {
                            if (!reader.Read()) return MediaFrameRead.NotMedia;
                            // An escaped string is left to the full parser, which unescapes it and reads it by the same rule.
                            if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped) return MediaFrameRead.NotMedia;
                            timestampMs = reader.TokenType == JsonTokenType.String ? MediaStreamsTimestamp.Parse(reader.ValueSpan) : null;
                            reader.Skip();
                        }
                        else reader.Skip(); // from the name past its value, however nested
                    }
                    if (reader.TokenType != JsonTokenType.EndObject) return MediaFrameRead.NotMedia;
                }
                else reader.Skip();
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return MediaFrameRead.NotMedia; // trailing content: the full parser says why
            if (!isMedia || !payloadSeen) return MediaFrameRead.NotMedia;
            return inbound ? MediaFrameRead.Audio : MediaFrameRead.OtherTrack;
        }
        catch (JsonException)
        {
            return MediaFrameRead.NotMedia;
        }
    }
}
