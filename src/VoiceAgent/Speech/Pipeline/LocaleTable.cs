using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// Picks STT model/language and TTS voice per call: an explicit <c>locale</c> parameter wins, else the caller's
/// country calling code (longest prefix of the <c>From</c> number), else the default row. Adding a language is
/// adding a row (<c>LOCALES_FILE</c>, a JSON array of rows), not code.
/// </summary>
public sealed class LocaleTable : ICallLocales
{
    private readonly IReadOnlyList<CallLocale> _rows;

    public LocaleTable(IReadOnlyList<CallLocale> rows, string defaultLocale)
    {
        if (rows.Count == 0) throw new ArgumentException("The locale table needs at least one row.", nameof(rows));
        _rows = rows;
        Default = rows.FirstOrDefault(r => r.Name.Equals(defaultLocale, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Default locale '{defaultLocale}' is not a row of the table.", nameof(defaultLocale));
    }

    public CallLocale Default { get; }
    public IReadOnlyList<CallLocale> Rows => _rows;

    /// <summary>The built-in rows; every voice is the configured one unless a row names its own.</summary>
    public static IReadOnlyList<CallLocale> BuiltIn(string voiceId) =>
    [
        new("en-US", ["1"], "nova-3", "en-US", voiceId, "en"),
        new("en-GB", ["44"], "nova-3", "en-GB", voiceId, "en"),
        new("en-AU", ["61"], "nova-3", "en-AU", voiceId, "en"),
        new("es-ES", ["34"], "nova-3", "es", voiceId, "es"),
        new("es-MX", ["52"], "nova-3", "es", voiceId, "es"),
        new("de-DE", ["49"], "nova-3", "de", voiceId, "de"),
        new("fr-FR", ["33"], "nova-3", "fr", voiceId, "fr"),
    ];

    /// <summary>Reads rows from a JSON file: <c>[{"name":"nl-NL","callingCodes":["31"],"sttModel":"nova-3","sttLanguage":"nl","ttsVoiceId":"…","ttsLanguageCode":"nl"}]</c>.</summary>
    public static IReadOnlyList<CallLocale> Load(string path)
        => JsonSerializer.Deserialize(File.ReadAllText(path), LocaleJsonContext.Default.CallLocaleArray)
           ?? throw new InvalidOperationException($"LOCALES_FILE '{path}' holds no rows.");

    Task<CallLocale> ICallLocales.ResolveAsync(string? from, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken)
        => Task.FromResult(Resolve(from, parameters));

    Task<LocaleTable> ICallLocales.TableAsync(CancellationToken cancellationToken) => Task.FromResult(this);
    /// <summary>
    /// The row for a language a model or caller names: a row name (<c>es-MX</c>), else a row whose STT language is
    /// exactly it (<c>es</c>), else the first row of the same primary language (<c>es-US</c> → <c>es-ES</c>); null when none.
    /// </summary>
    public CallLocale? Find(string language)
    {
        language = language.Trim().Replace('_', '-');
        var primary = language.Split('-', '_')[0];
        return _rows.FirstOrDefault(r => r.Name.Equals(language, StringComparison.OrdinalIgnoreCase))
            ?? _rows.FirstOrDefault(r => r.SttLanguage.Equals(language, StringComparison.OrdinalIgnoreCase))
            ?? (primary.Length >= 2 ? _rows.FirstOrDefault(r => r.Name.Split('-')[0].Equals(primary, StringComparison.OrdinalIgnoreCase)) : null);
    }

    public CallLocale Resolve(string? from, IReadOnlyDictionary<string, string> parameters)
    {
        if (parameters.TryGetValue("locale", out var requested))
        {
            var explicitRow = _rows.FirstOrDefault(r => r.Name.Equals(requested, StringComparison.OrdinalIgnoreCase));
            if (explicitRow is not null) return explicitRow;
        }
        if (from is { Length: > 1 } && from[0] == '+')
        {
            var digits = from[1..];
            CallLocale? best = null;
            var bestLength = 0;
            foreach (var row in _rows)
                foreach (var code in row.CallingCodes)
                    if (code.Length > bestLength && digits.StartsWith(code, StringComparison.Ordinal)) { best = row; bestLength = code.Length; }
            if (best is not null) return best;
        }
        return Default;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CallLocale[]))]
internal sealed partial class LocaleJsonContext : JsonSerializerContext;
