namespace VoiceAgent.Storage.Records;

/// <summary>
/// Migration step 3: <c>call_costs</c>, one row a priced call with the end-of-call record's breakdown. Amounts and
/// carrier minutes are whole millionths (the cost is rounded to 6 decimals) and STT time whole milliseconds, so both
/// databases store them exactly as integers; unpriced models are a comma-separated list ('' when none).
/// </summary>
internal static class CallCostSchema
{
    public const string Sql = """
        CREATE TABLE call_costs (
            call_sid TEXT PRIMARY KEY,
            transport TEXT NOT NULL,
            ended_at BIGINT NOT NULL,
            currency TEXT NOT NULL,
            prices_as_of TEXT NOT NULL,
            total_micros BIGINT NOT NULL,
            carrier_micros BIGINT NOT NULL,
            stt_micros BIGINT NOT NULL,
            model_micros BIGINT NOT NULL,
            tts_micros BIGINT NOT NULL,
            carrier_minutes_micros BIGINT NOT NULL,
            stt_ms BIGINT NOT NULL,
            input_tokens BIGINT NOT NULL,
            cached_input_tokens BIGINT NOT NULL,
            output_tokens BIGINT NOT NULL,
            tts_characters BIGINT NOT NULL,
            unpriced_models TEXT NOT NULL
        );
        CREATE INDEX ix_call_costs_ended_at ON call_costs (ended_at);
        """;
}
