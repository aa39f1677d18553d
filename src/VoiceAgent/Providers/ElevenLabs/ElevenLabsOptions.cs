using System.Text;
using Microsoft.Extensions.Options;

namespace VoiceAgent.Providers.ElevenLabs;

/// <summary>
/// Settings for ElevenLabs' stream-input text-to-speech WebSocket
/// (<c>{BaseUrl}/v1/text-to-speech/{voice_id}/stream-input</c>).
/// </summary>
public sealed record ElevenLabsOptions
{
    /// <summary>The default origin of the ElevenLabs API.</summary>
    public static readonly Uri DefaultBaseUrl = new("wss://api.elevenlabs.io");

    /// <summary>Lowest-latency model ElevenLabs recommends for real-time use.</summary>
    public const string DefaultModelId = "eleven_flash_v2_5";

    /// <summary>Sent as the <c>xi-api-key</c> header on the upgrade request; never logged or printed.</summary>
    public string ApiKey { get; init; } = "";

    /// <summary><c>ws://</c> or <c>wss://</c> origin (no path, query or fragment). The client appends the endpoint path.</summary>
    public Uri BaseUrl { get; init; } = DefaultBaseUrl;

    /// <summary>Voice used when a stream's <see cref="Speech.TextToSpeechStreamOptions.VoiceId"/> is blank.</summary>
    public string VoiceId { get; init; } = "";

    /// <summary><c>model_id</c> query parameter. Default <see cref="DefaultModelId"/>.</summary>
    public string ModelId { get; init; } = DefaultModelId;

    /// <summary>Sent once in the BOS message.</summary>
    public ElevenLabsVoiceSettings VoiceSettings { get; init; } = new();

    /// <summary>
    /// <c>generation_config.chunk_length_schedule</c>: characters ElevenLabs buffers before its 1st, 2nd,
    /// 3rd and 4th-and-later generations (each 50–500).
    /// </summary>
    /// <remarks>
    /// Default <c>[50, 120, 160, 290]</c> instead of the service's <c>[120, 160, 250, 290]</c>. Time to first
    /// audio is dominated by how long the model takes to produce the first threshold's worth of text: 50
    /// characters (the minimum) is a short clause, about 3 s of speech, and arrives ~0.2–0.5 s after the first
    /// token at typical LLM rates, where 120 characters would often be a whole sentence. Once the first audio
    /// is playing, each later threshold only has to be reached before the previous audio finishes (50
    /// characters play for ~3 s, far longer than the model needs for the next 120), so the later, larger
    /// thresholds cost no audible latency and buy longer, better-phrased generations. The end of every reply
    /// is flushed explicitly, so short replies never wait on a threshold.
    /// </remarks>
    public IReadOnlyList<int> ChunkLengthSchedule { get; init; } = [50, 120, 160, 290];

    /// <summary>
    /// Send <c>flush: true</c> with the text that completes the reply's first natural phrase (sentence or clause
    /// punctuation after at least 8 letters), so synthesis starts there instead of waiting for the schedule's
    /// first threshold; the rest of the reply follows the schedule. Default true (ELEVENLABS_FLUSH_FIRST_PHRASE).
    /// </summary>
    public bool FlushFirstPhrase { get; init; } = true;

    /// <summary><c>inactivity_timeout</c> query parameter in seconds (1–180; service default 20).</summary>
    public int InactivityTimeoutSeconds { get; init; } = 20;

    /// <summary><c>sync_alignment</c>: every audio chunk carries the characters it speaks. Default true.</summary>
    public bool SyncAlignment { get; init; } = true;

    /// <summary>Bound on the TCP/TLS connect plus WebSocket upgrade. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Every problem with these options, each with a hint on how to fix it; empty when valid.</summary>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(ApiKey))
            errors.Add("ElevenLabs:ApiKey is empty. Set it to an ElevenLabs API key (it is sent as the xi-api-key header).");

        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != "ws" && BaseUrl.Scheme != "wss"))
            errors.Add($"ElevenLabs:BaseUrl '{BaseUrl}' is not a ws:// or wss:// URL. Use e.g. {DefaultBaseUrl}.");
        else if (BaseUrl.AbsolutePath != "/" || BaseUrl.Query.Length > 0 || BaseUrl.Fragment.Length > 0)
            errors.Add($"ElevenLabs:BaseUrl '{BaseUrl}' must be an origin only; the client appends /v1/text-to-speech/{{voice}}/stream-input. Use e.g. {DefaultBaseUrl}.");

        if (!IsValidVoiceId(VoiceId))
            errors.Add($"ElevenLabs:VoiceId '{VoiceId}' is not a voice id. Use the id from the ElevenLabs voice library (letters, digits, '-' or '_').");

        if (string.IsNullOrWhiteSpace(ModelId))
            errors.Add($"ElevenLabs:ModelId is empty. Use {DefaultModelId} for the lowest latency.");
        else if (ModelId.StartsWith("eleven_v3", StringComparison.Ordinal))
            errors.Add($"ElevenLabs:ModelId '{ModelId}' is not available over WebSockets. Use {DefaultModelId}.");

        var voice = VoiceSettings;
        if (voice is null)
            errors.Add("ElevenLabs:VoiceSettings is null. Remove it to use the defaults.");
        else
        {
            AddIfOutOfRange(errors, "VoiceSettings:Stability", voice.Stability, 0, 1);
            AddIfOutOfRange(errors, "VoiceSettings:SimilarityBoost", voice.SimilarityBoost, 0, 1);
            AddIfOutOfRange(errors, "VoiceSettings:Style", voice.Style, 0, 1);
            AddIfOutOfRange(errors, "VoiceSettings:Speed", voice.Speed, 0.7, 1.2);
        }

        if (ChunkLengthSchedule is null || ChunkLengthSchedule.Count == 0)
            errors.Add("ElevenLabs:ChunkLengthSchedule is empty. Use e.g. [50, 120, 160, 290].");
        else
        {
            for (var i = 0; i < ChunkLengthSchedule.Count; i++)
            {
                if (ChunkLengthSchedule[i] is < 50 or > 500)
                    errors.Add($"ElevenLabs:ChunkLengthSchedule[{i}] = {ChunkLengthSchedule[i]} is outside 50–500 characters.");
            }
        }

        if (InactivityTimeoutSeconds is < 1 or > 180)
            errors.Add($"ElevenLabs:InactivityTimeoutSeconds = {InactivityTimeoutSeconds} is outside 1–180 seconds. The service default is 20.");

        if (ConnectTimeout <= TimeSpan.Zero || ConnectTimeout > TimeSpan.FromMinutes(1))
            errors.Add($"ElevenLabs:ConnectTimeout = {ConnectTimeout} must be positive and at most 1 minute. Use e.g. 00:00:05.");

        return errors;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem, if there is any.</summary>
    public void Validate()
    {
        var errors = GetValidationErrors();
        if (errors.Count > 0)
            throw new OptionsValidationException(nameof(ElevenLabsOptions), typeof(ElevenLabsOptions), errors);
    }

    internal static bool IsValidVoiceId(string? voiceId)
        => !string.IsNullOrEmpty(voiceId) && voiceId.Length <= 64
           && voiceId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static void AddIfOutOfRange(List<string> errors, string name, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
            errors.Add($"ElevenLabs:{name} = {value} is outside {min}–{max}.");
    }

    // Records print every property; the API key must never reach a log.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("ApiKey = ").Append(string.IsNullOrEmpty(ApiKey) ? "(empty)" : "***")
            .Append(", BaseUrl = ").Append(BaseUrl)
            .Append(", VoiceId = ").Append(VoiceId)
            .Append(", ModelId = ").Append(ModelId)
            .Append(", VoiceSettings = ").Append(VoiceSettings)
            .Append(", ChunkLengthSchedule = [").AppendJoin(", ", ChunkLengthSchedule ?? []).Append(']')
            .Append(", InactivityTimeoutSeconds = ").Append(InactivityTimeoutSeconds)
            .Append(", SyncAlignment = ").Append(SyncAlignment)
            .Append(", ConnectTimeout = ").Append(ConnectTimeout);
        return true;
    }
}
