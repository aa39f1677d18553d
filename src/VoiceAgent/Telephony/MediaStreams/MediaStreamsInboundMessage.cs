using System.Text.Json.Serialization;

namespace VoiceAgent.Telephony.MediaStreams;

/// <summary>Every Twilio Media Streams message (connected, start, media, dtmf, mark, stop), discriminated by <see cref="Event"/>.</summary>
internal sealed class MediaStreamsInboundMessage
{
    [JsonPropertyName("event")] public string? Event { get; init; }
    [JsonPropertyName("streamSid")] public string? StreamSid { get; init; }
    [JsonPropertyName("sequenceNumber")] public string? SequenceNumber { get; init; }
    [JsonPropertyName("start")] public StartPayload? Start { get; init; }
    [JsonPropertyName("media")] public MediaPayload? Media { get; init; }
    [JsonPropertyName("dtmf")] public DtmfPayload? Dtmf { get; init; }
    [JsonPropertyName("mark")] public MarkPayload? Mark { get; init; }

    internal sealed class StartPayload
    {
        [JsonPropertyName("accountSid")] public string? AccountSid { get; init; }
        [JsonPropertyName("streamSid")] public string? StreamSid { get; init; }
        [JsonPropertyName("callSid")] public string? CallSid { get; init; }
        [JsonPropertyName("tracks")] public string[]? Tracks { get; init; }
        [JsonPropertyName("mediaFormat")] public MediaFormatPayload? MediaFormat { get; init; }
        [JsonPropertyName("customParameters")] public Dictionary<string, string>? CustomParameters { get; init; }
    }

    internal sealed class MediaFormatPayload
    {
        [JsonPropertyName("encoding")] public string? Encoding { get; init; }
        [JsonPropertyName("sampleRate")] public int SampleRate { get; init; }
        [JsonPropertyName("channels")] public int Channels { get; init; }
    }

    internal sealed class MediaPayload
    {
        [JsonPropertyName("track")] public string? Track { get; init; }
        [JsonPropertyName("payload")] public string? Payload { get; init; }

        /// <summary>Milliseconds since the stream started, a JSON string holding an integer (Twilio's presentation time).</summary>
        [JsonPropertyName("timestamp")] public string? Timestamp { get; init; }

        /// <summary><see cref="Timestamp"/> as a number, read by <see cref="MediaStreamsTimestamp"/>; null when absent or not digits only.</summary>
        public long? TimestampMs => MediaStreamsTimestamp.Parse(Timestamp);
    }

    internal sealed class DtmfPayload
    {
        [JsonPropertyName("digit")] public string? Digit { get; init; }
    }

    internal sealed class MarkPayload
    {
        [JsonPropertyName("name")] public string? Name { get; init; }
    }
}

[JsonSerializable(typeof(MediaStreamsInboundMessage))]
internal sealed partial class MediaStreamsJsonContext : JsonSerializerContext;
