using System.Globalization;
using System.Text;
using VoiceAgent.Speech;

namespace VoiceAgent.Providers.Deepgram;

/// <summary>Builds the <c>/v1/listen</c> URL: query parameters from the options plus the session's audio format, model and language.</summary>
internal static class DeepgramListenUri
{
    public const string Path = "/v1/listen";

    private static readonly HashSet<string> s_managed = new(StringComparer.OrdinalIgnoreCase)
    {
        "model", "language", "encoding", "sample_rate", "interim_results", "endpointing",
        "utterance_end_ms", "vad_events", "smart_format", "punctuate",
    };

    /// <summary>True when <paramref name="name"/> is set from a dedicated option, so it must not be passed again.</summary>
    public static bool IsManagedParameter(string name) => s_managed.Contains(name);

    public static Uri Build(DeepgramOptions options, SpeechToTextSessionOptions session)
    {
        var query = new StringBuilder(256);
        Add(query, "model", string.IsNullOrWhiteSpace(session.Model) ? options.Model : session.Model);
        Add(query, "language", string.IsNullOrWhiteSpace(session.Language) ? options.Language : session.Language);
        Add(query, "encoding", session.Encoding);
        Add(query, "sample_rate", session.SampleRate.ToString(CultureInfo.InvariantCulture));
        Add(query, "interim_results", Flag(options.InterimResults));
        Add(query, "endpointing", options.EndpointingMs?.ToString(CultureInfo.InvariantCulture) ?? "false");
        if (options.UtteranceEndMs is int utteranceEnd)
            Add(query, "utterance_end_ms", utteranceEnd.ToString(CultureInfo.InvariantCulture));
        Add(query, "vad_events", Flag(options.VadEvents));
        Add(query, "smart_format", Flag(options.SmartFormat));
        Add(query, "punctuate", Flag(options.Punctuate));
        foreach (var (name, value) in options.AdditionalQueryParameters)
            Add(query, name, value);

        return new UriBuilder(options.BaseUrl) { Path = Path, Query = query.ToString() }.Uri;
    }

    private static string Flag(bool value) => value ? "true" : "false";

    private static void Add(StringBuilder query, string name, string value)
    {
        if (query.Length > 0) query.Append('&');
        query.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
    }
}
