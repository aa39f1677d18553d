using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace VoiceAgent.Emulators.Deepgram;

/// <summary>Writes the server's JSON messages in Deepgram's field order and naming.</summary>
internal static class DeepgramEmulatorMessages
{
    private static readonly char[] s_punctuation = ['.', ',', '?', '!', ';', ':', '"', '\''];

    /// <summary>The model a connection reports in <c>metadata</c>.</summary>
    public sealed record ModelInfo(string Name, string Version, string Arch, string Uuid);

    /// <summary>One Results message.</summary>
    public sealed record ResultsMessage(
        double Start, double Duration, bool IsFinal, bool SpeechFinal, bool FromFinalize,
        string Transcript, double Confidence, bool Punctuated, string RequestId, ModelInfo Model);

    public static byte[] Results(ResultsMessage m) => Write(writer =>
    {
        writer.WriteString("type", "Results");
        WriteChannelPair(writer, "channel_index");
        writer.WriteNumber("duration", Round(m.Duration));
        writer.WriteNumber("start", Round(m.Start));
        writer.WriteBoolean("is_final", m.IsFinal);
        writer.WriteBoolean("speech_final", m.SpeechFinal);
        writer.WriteStartObject("channel");
        writer.WriteStartArray("alternatives");
        writer.WriteStartObject();
        writer.WriteString("transcript", m.Transcript);
        writer.WriteNumber("confidence", Round(m.Confidence));
        writer.WriteStartArray("words");
        var words = m.Transcript.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var step = words.Length == 0 ? 0 : m.Duration / words.Length;
        for (var i = 0; i < words.Length; i++)
        {
            writer.WriteStartObject();
            writer.WriteString("word", words[i].Trim(s_punctuation).ToLowerInvariant());
            writer.WriteNumber("start", Round(m.Start + (i * step)));
            writer.WriteNumber("end", Round(m.Start + ((i + 1) * step)));
            writer.WriteNumber("confidence", Round(m.Confidence));
            if (m.Punctuated) writer.WriteString("punctuated_word", words[i]);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteStartObject("metadata");
        writer.WriteString("request_id", m.RequestId);
        writer.WriteStartObject("model_info");
        writer.WriteString("name", m.Model.Name);
        writer.WriteString("version", m.Model.Version);
        writer.WriteString("arch", m.Model.Arch);
        writer.WriteEndObject();
        writer.WriteString("model_uuid", m.Model.Uuid);
        writer.WriteEndObject();
        writer.WriteBoolean("from_finalize", m.FromFinalize);
    });

    public static byte[] SpeechStarted(double timestamp) => Write(writer =>
    {
        writer.WriteString("type", "SpeechStarted");
        WriteChannelPair(writer, "channel");
        writer.WriteNumber("timestamp", Round(timestamp));
    });

    public static byte[] UtteranceEnd(double lastWordEnd) => Write(writer =>
    {
        writer.WriteString("type", "UtteranceEnd");
        WriteChannelPair(writer, "channel");
        writer.WriteNumber("last_word_end", Round(lastWordEnd));
    });

    public static byte[] Metadata(string requestId, string sha256, DateTimeOffset created, double duration, ModelInfo model) => Write(writer =>
    {
        writer.WriteString("type", "Metadata");
        writer.WriteString("transaction_key", "deprecated");
        writer.WriteString("request_id", requestId);
        writer.WriteString("sha256", sha256);
        writer.WriteString("created", created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        writer.WriteNumber("duration", Round(duration));
        writer.WriteNumber("channels", 1);
        writer.WriteStartArray("models");
        writer.WriteStringValue(model.Uuid);
        writer.WriteEndArray();
        writer.WriteStartObject("model_info");
        writer.WriteStartObject(model.Uuid);
        writer.WriteString("name", model.Name);
        writer.WriteString("version", model.Version);
        writer.WriteString("arch", model.Arch);
        writer.WriteEndObject();
        writer.WriteEndObject();
    });

    private static void WriteChannelPair(Utf8JsonWriter writer, string name)
    {
        writer.WriteStartArray(name);
        writer.WriteNumberValue(0);
        writer.WriteNumberValue(1);
        writer.WriteEndArray();
    }

    private static double Round(double value) => Math.Round(value, 3);

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
