namespace VoiceAgent.Observability.Cost;

/// <summary>
/// One call's cost from its usage and a <see cref="PriceTable"/>: the total and its split (carrier, speech-to-text,
/// model, text-to-speech), with the quantities priced. Amounts are rounded to 6 decimals. Models the table has no
/// price for are listed in <see cref="UnpricedModels"/> and cost nothing here (the total is then a lower bound).
/// </summary>
public sealed record CallCost
{
    public required string Currency { get; init; }
    public required string PricesAsOf { get; init; }
    public required decimal Total { get; init; }
    public required decimal Carrier { get; init; }
    public required decimal SpeechToText { get; init; }
    public required decimal Model { get; init; }
    public required decimal TextToSpeech { get; init; }
    /// <summary>Carrier minutes billed (rounded up to whole minutes when the table says so).</summary>
    public required decimal CarrierMinutes { get; init; }
    public required double SttSeconds { get; init; }
    public required long InputTokens { get; init; }
    public required long CachedInputTokens { get; init; }
    public required long OutputTokens { get; init; }
    public required long TtsCharacters { get; init; }
    public IReadOnlyList<string> UnpricedModels { get; init; } = [];

    internal static CallCost Compute(PriceTable prices, string transport, TimeSpan callDuration, CallUsage usage)
    {
        var seconds = (decimal)Math.Max(0, callDuration.TotalSeconds);
        var minutes = prices.CarrierRoundsUpToMinute ? Math.Ceiling(seconds / 60m) : seconds / 60m;
        var carrier = minutes * prices.CarrierPerMinute.GetValueOrDefault(transport);
        var sttSeconds = usage.SttAudio.TotalSeconds;
        var stt = (decimal)sttSeconds / 60m * prices.SttPerMinute;
        var tts = usage.TtsCharacters / 1000m * prices.TtsPer1kCharacters;
        decimal model = 0;
        long input = 0, cached = 0, output = 0;
        var unpriced = new List<string>();
        foreach (var (id, tokens) in usage.Models)
        {
            input += tokens.Input;
            cached += tokens.CachedInput;
            output += tokens.Output;
            if (prices.ForModel(id) is not { } price)
            {
                unpriced.Add(id);
                continue;
            }
            var uncached = Math.Max(0, tokens.Input - tokens.CachedInput);
            model += (uncached * price.InputPerMillion + tokens.CachedInput * price.CachedInputPerMillion + tokens.Output * price.OutputPerMillion) / 1_000_000m;
        }
        return new CallCost
        {
            Currency = prices.Currency,
            PricesAsOf = prices.PricesAsOf,
            Carrier = Round(carrier),
            SpeechToText = Round(stt),
            Model = Round(model),
            TextToSpeech = Round(tts),
            Total = Round(carrier + stt + model + tts),
            CarrierMinutes = Math.Round(minutes, 4),
            SttSeconds = Math.Round(sttSeconds, 3),
            InputTokens = input,
            CachedInputTokens = cached,
            OutputTokens = output,
            TtsCharacters = usage.TtsCharacters,
            UnpricedModels = unpriced,
        };
    }

    private static decimal Round(decimal amount) => Math.Round(amount, 6, MidpointRounding.AwayFromZero);
}
