using System.Data.Common;
using System.Globalization;
using VoiceAgent.Observability.Cost;

namespace VoiceAgent.Storage.Records;

/// <summary>The <c>call_costs</c> table (<see cref="CallCostSchema"/>).</summary>
internal sealed partial class SqlRecordsStore
{
    private const string CostColumns = "call_sid, transport, ended_at, currency, prices_as_of, total_micros, carrier_micros, stt_micros, model_micros, tts_micros, "
        + "carrier_minutes_micros, stt_ms, input_tokens, cached_input_tokens, output_tokens, tts_characters, unpriced_models";

    public async Task<bool> InsertCallCostAsync(StoredCallCost row, CancellationToken cancellationToken)
    {
        var c = row.Cost;
        return await dialect.ExecuteAsync($"""
            INSERT INTO call_costs ({CostColumns})
            VALUES (@sid, @transport, @ended, @currency, @asOf, @total, @carrier, @stt, @model, @tts, @minutes, @sttMs, @input, @cached, @output, @chars, @unpriced)
            ON CONFLICT (call_sid) DO NOTHING
            """, cancellationToken,
            ("sid", row.CallSid), ("transport", row.Transport), ("ended", row.EndedAt.ToUnixTimeMilliseconds()), ("currency", c.Currency), ("asOf", c.PricesAsOf),
            ("total", Micros(c.Total)), ("carrier", Micros(c.Carrier)), ("stt", Micros(c.SpeechToText)), ("model", Micros(c.Model)), ("tts", Micros(c.TextToSpeech)),
            ("minutes", Micros(c.CarrierMinutes)), ("sttMs", (long)Math.Round(c.SttSeconds * 1000, MidpointRounding.AwayFromZero)),
            ("input", c.InputTokens), ("cached", c.CachedInputTokens), ("output", c.OutputTokens), ("chars", c.TtsCharacters),
            ("unpriced", string.Join(',', c.UnpricedModels))) == 1;
    }

    public async Task<StoredCallCost?> GetCallCostAsync(string callSid, CancellationToken cancellationToken)
        => (await dialect.QueryAsync($"SELECT {CostColumns} FROM call_costs WHERE call_sid = @sid", ReadCallCost, cancellationToken, ("sid", callSid))) is [var row, ..] ? row : null;

    private static StoredCallCost ReadCallCost(DbDataReader r) => new(r.GetString(0), r.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(Long(r, 2)), new CallCost
    {
        Currency = r.GetString(3),
        PricesAsOf = r.GetString(4),
        Total = Amount(r, 5),
        Carrier = Amount(r, 6),
        SpeechToText = Amount(r, 7),
        Model = Amount(r, 8),
        TextToSpeech = Amount(r, 9),
        CarrierMinutes = Amount(r, 10),
        SttSeconds = Long(r, 11) / 1000.0,
        InputTokens = Long(r, 12),
        CachedInputTokens = Long(r, 13),
        OutputTokens = Long(r, 14),
        TtsCharacters = Long(r, 15),
        UnpricedModels = r.GetString(16) is { Length: > 0 } unpriced ? unpriced.Split(',') : [],
    });

    private static long Micros(decimal amount) => (long)Math.Round(amount * 1_000_000m, MidpointRounding.AwayFromZero);

    private static decimal Amount(DbDataReader r, int column) => Long(r, column) / 1_000_000m;

    private static long Long(DbDataReader r, int column) => Convert.ToInt64(r.GetValue(column), CultureInfo.InvariantCulture);
}
