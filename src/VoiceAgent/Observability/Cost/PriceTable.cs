using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceAgent.Observability.Cost;

/// <summary>
/// What each unit a call uses costs: carrier minutes per transport, speech-to-text minutes, model tokens per million
/// (per model id or id prefix), text-to-speech characters per thousand, in one currency, with the date the prices were
/// taken. The built-in table holds public pay-as-you-go list prices (US); <c>PRICES_FILE</c> points at a JSON file
/// whose values replace them key by key (see docs/cost.md).
/// </summary>
public sealed record PriceTable
{
    public string Currency { get; init; } = "USD";
    /// <summary>When the prices were taken (ISO date); reported beside every cost so a stale table is visible.</summary>
    public string PricesAsOf { get; init; } = "2025-06-01";
    /// <summary>Carrier price per minute by transport (<c>conversation-relay</c>, <c>media-streams</c>, <c>vonage</c>).</summary>
    public Dictionary<string, decimal> CarrierPerMinute { get; init; } = new(StringComparer.Ordinal);
    /// <summary>True: carrier minutes are billed rounded up to whole minutes (Twilio's per-minute billing).</summary>
    public bool CarrierRoundsUpToMinute { get; init; } = true;
    /// <summary>Streaming speech-to-text price per minute of audio sent.</summary>
    public decimal SttPerMinute { get; init; }
    /// <summary>Text-to-speech price per 1,000 characters sent.</summary>
    public decimal TtsPer1kCharacters { get; init; }
    /// <summary>Model prices per million tokens, by model id; a key also matches ids it is a prefix of (dated snapshots).</summary>
    public Dictionary<string, ModelPrice> Models { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The built-in defaults: public list prices as of <see cref="PricesAsOf"/>; check them against your contracts.</summary>
    public static PriceTable BuiltIn { get; } = new()
    {
        CarrierPerMinute = new(StringComparer.Ordinal)
        {
            // Twilio US inbound local voice 0.0085/min + ConversationRelay 0.07/min.
            ["conversation-relay"] = 0.0785m,
            // Twilio US inbound local voice 0.0085/min + Media Streams 0.004/min.
            ["media-streams"] = 0.0125m,
            // Vonage Voice API US inbound ~0.004/min + WebSocket connection ~0.004/min.
            ["vonage"] = 0.0080m,
        },
        SttPerMinute = 0.0077m, // Deepgram Nova-3 streaming, pay as you go
        TtsPer1kCharacters = 0.05m, // ElevenLabs Flash/Turbo over the API
        Models = new(StringComparer.Ordinal)
        {
            ["claude-haiku-4-5"] = new(1.00m, 0.10m, 5.00m),
            ["claude-sonnet-4"] = new(3.00m, 0.30m, 15.00m),
            ["claude-opus-4"] = new(15.00m, 1.50m, 75.00m),
            ["claude-3-5-haiku"] = new(0.80m, 0.08m, 4.00m),
            ["gpt-4o-mini"] = new(0.15m, 0.075m, 0.60m),
            ["gpt-4o"] = new(2.50m, 1.25m, 10.00m),
            ["gpt-4.1-mini"] = new(0.40m, 0.10m, 1.60m),
            ["gpt-4.1-nano"] = new(0.10m, 0.025m, 0.40m),
            ["gpt-4.1"] = new(2.00m, 0.50m, 8.00m),
        },
    };

    /// <summary>The price of <paramref name="model"/>: an exact key, else the longest key it starts with; null if none.</summary>
    public ModelPrice? ForModel(string model)
    {
        if (Models.TryGetValue(model, out var exact)) return exact;
        ModelPrice? best = null;
        var bestLength = 0;
        foreach (var (key, price) in Models)
        {
            if (key.Length > bestLength && model.StartsWith(key, StringComparison.Ordinal))
            {
                best = price;
                bestLength = key.Length;
            }
        }
        return best;
    }

    /// <summary>
    /// Reads a price file: every value it sets replaces the built-in one (carrier and model entries key by key), the
    /// rest stay. Throws <see cref="InvalidDataException"/> naming the problem when the file is not a valid table.
    /// </summary>
    public static PriceTable Load(string path)
    {
        PriceFile? file;
        try
        {
            using var stream = File.OpenRead(path);
            file = JsonSerializer.Deserialize(stream, PriceTableJsonContext.Default.PriceFile);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a price table: {ex.Message}", ex);
        }
        if (file is null) throw new InvalidDataException($"{path} is empty");
        return BuiltIn.Merge(file, path);
    }

    private PriceTable Merge(PriceFile file, string path)
    {
        var carrier = new Dictionary<string, decimal>(CarrierPerMinute, StringComparer.Ordinal);
        foreach (var (k, v) in file.CarrierPerMinute ?? []) carrier[k] = NonNegative(v, $"carrierPerMinute.{k}", path);
        var models = new Dictionary<string, ModelPrice>(Models, StringComparer.Ordinal);
        foreach (var (k, v) in file.Models ?? [])
        {
            NonNegative(v.InputPerMillion, $"models.{k}.inputPerMillion", path);
            NonNegative(v.CachedInputPerMillion, $"models.{k}.cachedInputPerMillion", path);
            NonNegative(v.OutputPerMillion, $"models.{k}.outputPerMillion", path);
            models[k] = v;
        }
        if (file.PricesAsOf is { } asOf && !DateOnly.TryParseExact(asOf, "yyyy-MM-dd", out _))
            throw new InvalidDataException($"{path}: pricesAsOf must be a date such as 2025-06-01 (got '{asOf}')");
        if (file.Currency is { } currency && (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)))
            throw new InvalidDataException($"{path}: currency must be an ISO 4217 code such as USD (got '{currency}')");
        return this with
        {
            Currency = file.Currency ?? Currency,
            PricesAsOf = file.PricesAsOf ?? PricesAsOf,
            CarrierPerMinute = carrier,
            CarrierRoundsUpToMinute = file.CarrierRoundsUpToMinute ?? CarrierRoundsUpToMinute,
            SttPerMinute = file.SttPerMinute is { } stt ? NonNegative(stt, "sttPerMinute", path) : SttPerMinute,
            TtsPer1kCharacters = file.TtsPer1kCharacters is { } tts ? NonNegative(tts, "ttsPer1kCharacters", path) : TtsPer1kCharacters,
            Models = models,
        };
    }

    private static decimal NonNegative(decimal value, string name, string path)
        => value >= 0 ? value : throw new InvalidDataException($"{path}: {name} must not be negative (got {value})");
}

/// <summary>A model's prices per million tokens: uncached input, cached input (cache reads), output.</summary>
public sealed record ModelPrice(decimal InputPerMillion, decimal CachedInputPerMillion, decimal OutputPerMillion);

/// <summary>The JSON form of a price file: every member optional.</summary>
internal sealed record PriceFile
{
    public string? Currency { get; init; }
    public string? PricesAsOf { get; init; }
    public Dictionary<string, decimal>? CarrierPerMinute { get; init; }
    public bool? CarrierRoundsUpToMinute { get; init; }
    public decimal? SttPerMinute { get; init; }
    public decimal? TtsPer1kCharacters { get; init; }
    public Dictionary<string, ModelPrice>? Models { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(PriceFile))]
internal sealed partial class PriceTableJsonContext : JsonSerializerContext;
