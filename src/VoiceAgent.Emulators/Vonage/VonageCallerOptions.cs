using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceAgent.Emulators.Audio;

namespace VoiceAgent.Emulators.Vonage;

/// <summary>
/// The call that <see cref="VonageCaller"/> plays: the NCCO endpoint's <c>headers</c> and <c>content-type</c>
/// rate, and how the line behaves.
/// </summary>
public sealed record VonageCallerOptions
{
    /// <summary>
    /// The NCCO endpoint's <c>headers</c>: arbitrary JSON values (strings, numbers, objects, arrays), echoed
    /// flattened into the <c>websocket:connected</c> frame. At most 512 bytes as JSON, as Vonage allows.
    /// </summary>
    public IReadOnlyDictionary<string, JsonNode?> Headers { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>8000 or 16000 (default): frames are 320 or 640 bytes of 16-bit little-endian PCM.</summary>
    public int SampleRate { get; init; } = 16000;

    /// <summary>
    /// Keep sending 20 ms frames of silence whenever the caller is not speaking, as Vonage does (default).
    /// When false, audio frames are only sent while audio is being played (or, with <see cref="Echo"/>, while
    /// echo is audible).
    /// </summary>
    public bool SendSilenceWhenIdle { get; init; } = true;

    /// <summary>Mixes a delayed, attenuated copy of the played-out server audio into the caller's audio; null (default) for none.</summary>
    public EchoSimulation? Echo { get; init; }

    /// <summary>
    /// What happens to <c>notify</c> markers still queued when a <c>clear</c> arrives. Vonage's documentation
    /// does not say; by default (false) they are dropped, since their audio never plays, and listed in
    /// <see cref="VonageClear.Notifies"/>. True echoes them at once, as Twilio does with marks.
    /// </summary>
    public bool EchoPendingNotifiesOnClear { get; init; }

    /// <summary>
    /// Audio messages the playout buffer holds before further ones are dropped (and recorded as invalid).
    /// Default 1024 (~20 s), the limit of Vonage's WebSocket guide; the newer tutorial says 3072.
    /// </summary>
    public int MaxBufferedMessages { get; init; } = 1024;

    /// <summary>The <c>content-type</c> the connected frame announces, e.g. <c>audio/l16;rate=16000</c>.</summary>
    public string ContentType => $"audio/l16;rate={SampleRate}";

    /// <summary>Bytes in one 20 ms audio message.</summary>
    public int BytesPerFrame => SampleRate / 50 * Pcm16.BytesPerSample;

    /// <summary>Every problem with these options, each with a fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (SampleRate is not (8000 or 16000))
            errors.Add($"SampleRate is {SampleRate}; Vonage's WebSocket audio is audio/l16 at 8000 or 16000 Hz.");
        if (MaxBufferedMessages <= 0)
            errors.Add($"MaxBufferedMessages is {MaxBufferedMessages}; use a positive count such as 1024.");
        if (Headers is null)
        {
            errors.Add("Headers is null; use an empty dictionary for none.");
        }
        else
        {
            foreach (var name in Headers.Keys)
                if (name is "event" or "content-type")
                    errors.Add($"Header '{name}' would collide with the connected frame's own '{name}' field once flattened; rename it.");
            var size = Encoding.UTF8.GetByteCount(ToJsonObject(Headers).ToJsonString());
            if (size > 512)
                errors.Add($"Headers are {size} bytes as JSON; Vonage allows at most 512. Send less, or look data up server-side by a short key.");
        }
        if (Echo is not null) errors.AddRange(Echo.Validate());
        return errors;
    }

    /// <summary>A fresh JSON object holding deep copies of <paramref name="headers"/>.</summary>
    internal static JsonObject ToJsonObject(IReadOnlyDictionary<string, JsonNode?> headers)
    {
        var json = new JsonObject();
        foreach (var (name, value) in headers) json[name] = value?.DeepClone();
        return json;
    }

    /// <summary><paramref name="headers"/> as immutable JSON elements, in order, for the connected frame.</summary>
    internal static Dictionary<string, JsonElement> ToElements(IReadOnlyDictionary<string, JsonNode?> headers)
    {
        var elements = new Dictionary<string, JsonElement>(headers.Count, StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            using var document = JsonDocument.Parse(value?.ToJsonString() ?? "null");
            elements[name] = document.RootElement.Clone();
        }
        return elements;
    }
}
