using System.Text.Json;
using VoiceAgent.Speech;

namespace VoiceAgent.Providers.Deepgram;

/// <summary>
/// Turns one server text frame into a <see cref="DeepgramInboundMessage"/>. Pure: no socket, no clock.
/// Malformed JSON throws <see cref="JsonException"/>; unknown message types come back as <see cref="DeepgramInboundKind.Unknown"/>.
/// </summary>
internal static class DeepgramMessageParser
{
    /// <param name="utf8">The whole text message.</param>
    /// <param name="streamOffset">Session time at which this connection's stream time 0 lies (non-zero after a reconnect).</param>
    /// <param name="receivedAt">Receive timestamp stamped on the event.</param>
    public static DeepgramInboundMessage Parse(ReadOnlySpan<byte> utf8, TimeSpan streamOffset, long receivedAt)
    {
        var kind = PeekKind(utf8, out var unknownType);
        var context = DeepgramJsonContext.Default;
        switch (kind)
        {
            case DeepgramInboundKind.Results:
                return ParseResults(Deserialize(utf8, context.DeepgramResultsMessage), streamOffset, receivedAt);

            case DeepgramInboundKind.SpeechStarted:
                var started = Deserialize(utf8, context.DeepgramSpeechStartedMessage);
                return new(kind, new SpeechStartedDetected(streamOffset + Seconds(started.Timestamp)) { ReceivedAt = receivedAt });

            case DeepgramInboundKind.UtteranceEnd:
                var ended = Deserialize(utf8, context.DeepgramUtteranceEndMessage);
                return new(kind, new UtteranceEnded(streamOffset + Seconds(ended.LastWordEnd)) { ReceivedAt = receivedAt });

            case DeepgramInboundKind.Metadata:
                var metadata = Deserialize(utf8, context.DeepgramMetadataMessage);
                return new(kind, null, Detail: metadata.RequestId);

            case DeepgramInboundKind.Error:
                var text = DescribeError(Deserialize(utf8, context.DeepgramErrorMessage));
                return new(kind, new SpeechError(text, Fatal: false) { ReceivedAt = receivedAt }, Detail: text);

            default:
                return new(DeepgramInboundKind.Unknown, null, Detail: unknownType ?? "(no type)");
        }
    }

    private static DeepgramInboundMessage ParseResults(DeepgramResultsMessage results, TimeSpan streamOffset, long receivedAt)
    {
        var alternatives = results.Channel?.Alternatives;
        var best = alternatives is { Length: > 0 } ? alternatives[0] : null;
        var transcript = best?.Transcript ?? "";
        // speech_final implies is_final; a final settles its range even when it is empty (silence).
        var isFinal = results.IsFinal || results.SpeechFinal;
        double? finalizedThrough = isFinal ? results.Start + results.Duration : null;

        // Empty transcripts are silence; keep an empty one only when it carries the endpoint signal.
        if (transcript.Length == 0 && !results.SpeechFinal)
            return new(DeepgramInboundKind.Results, null, finalizedThrough);

        var received = new TranscriptReceived(transcript, isFinal, results.SpeechFinal, best?.Confidence ?? 0,
            streamOffset + Seconds(results.Start), Seconds(results.Duration)) { ReceivedAt = receivedAt };
        return new(DeepgramInboundKind.Results, received, finalizedThrough);
    }

    private static string DescribeError(DeepgramErrorMessage error)
    {
        var code = error.ErrCode ?? error.Variant ?? (error.ErrorCode is { } element ? element.ToString() : null);
        var text = FirstNonEmpty(error.Description, error.Message, error.ErrorMessage, error.ErrMsg) ?? "Deepgram reported an error without a description";
        return code is null ? text : $"{text} ({code})";
    }

    private static string? FirstNonEmpty(params ReadOnlySpan<string?> values)
    {
        foreach (var value in values)
            if (!string.IsNullOrWhiteSpace(value)) return value;
        return null;
    }

    private static T Deserialize<T>(ReadOnlySpan<byte> utf8, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
        => JsonSerializer.Deserialize(utf8, info) ?? throw new JsonException($"Deepgram message deserialised to null ({typeof(T).Name}).");

    private static TimeSpan Seconds(double seconds) => double.IsFinite(seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;

    /// <summary>Reads the top-level <c>type</c> (and spots <c>error_code</c>) without materialising the message.</summary>
    private static DeepgramInboundKind PeekKind(ReadOnlySpan<byte> utf8, out string? unknownType)
    {
        unknownType = null;
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("A Deepgram message must be a JSON object.");

        DeepgramInboundKind? kind = null;
        var hasErrorCode = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String) { reader.Skip(); continue; }
                kind = reader.ValueTextEquals("Results"u8) ? DeepgramInboundKind.Results
                    : reader.ValueTextEquals("SpeechStarted"u8) ? DeepgramInboundKind.SpeechStarted
                    : reader.ValueTextEquals("UtteranceEnd"u8) ? DeepgramInboundKind.UtteranceEnd
                    : reader.ValueTextEquals("Metadata"u8) ? DeepgramInboundKind.Metadata
                    : reader.ValueTextEquals("Error"u8) ? DeepgramInboundKind.Error
                    : DeepgramInboundKind.Unknown;
                if (kind == DeepgramInboundKind.Unknown) unknownType = reader.GetString();
            }
            else
            {
                if (reader.ValueTextEquals("error_code"u8)) hasErrorCode = true;
                reader.Read();
                reader.Skip();
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject)
            throw new JsonException("Unterminated Deepgram message.");

        if (hasErrorCode && kind is null or DeepgramInboundKind.Unknown) return DeepgramInboundKind.Error;
        return kind ?? DeepgramInboundKind.Unknown;
    }
}
