using System.Text.Json;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio.MediaStreams;
using VoiceAgent.Observability.Cost;
using VoiceAgent.Tests.Storage;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.Observability;

/// <summary>Per-call cost: usage counted from the providers' wire (over the emulators) and priced by the configured table.</summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)]
public sealed class CallCostTests
{
    private static TestPriceFile Prices() => new("media-streams", carrierPerMinute: 0.02m, sttPerMinute: 0.006m, ttsPer1kCharacters: 0.1m,
        inputPerMillion: 2, cachedInputPerMillion: 0.5m, outputPerMillion: 10);

    [Fact]
    public async Task A_media_streams_calls_cost_in_the_end_of_call_webhook_is_priced_from_its_real_usage()
    {
        var prices = Prices();
        try
        {
            await using var receiver = await WebhookReceiver.StartAsync();
            var options = new MediaStreamsCallerOptions();
            const string reply = "We are open from nine to five.";
            await using (var server = await AudioServer.StartAsync(new Dictionary<string, string?>
            {
                ["PRICES_FILE"] = prices.Path,
                ["CALL_END_WEBHOOK_URL"] = receiver.Url.ToString(),
                ["CALL_END_WEBHOOK_SECRET"] = "crm-shared-secret-0123456789",
            }))
            {
                server.Stt.EnqueueTranscript("What are your opening hours?");
                // 1200 input tokens of which 1000 came from the prompt cache; two deltas = two output tokens.
                server.Model.Enqueue(ChatReply.Text("We are open ", "from nine to five.") with { InputTokens = 1200, CachedInputTokens = 1000 });
                await using var caller = await server.CallAsync(options);
                await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("What are your opening hours?")).DefaultTimeout();
                await caller.WaitForMarkAsync("g0r1end").DefaultTimeout(TimeSpan.FromSeconds(20));
                await caller.HangUpAsync().DefaultTimeout();

                var delivered = await receiver.NextAsync();
                using var payload = JsonDocument.Parse(delivered.Body);
                var root = payload.RootElement;
                Assert.Equal(options.CallSid, root.GetProperty("callSid").GetString());
                var cost = root.GetProperty("cost");
                Assert.Equal("EUR", cost.GetProperty("currency").GetString());
                Assert.Equal("2026-01-15", cost.GetProperty("pricesAsOf").GetString());
                // Model: 200 uncached × 2 + 1000 cached × 0.5 + 2 output × 10, per million.
                Assert.Equal((1200L, 1000L, 2L), (cost.GetProperty("inputTokens").GetInt64(), cost.GetProperty("cachedInputTokens").GetInt64(), cost.GetProperty("outputTokens").GetInt64()));
                Assert.Equal(0.00092m, cost.GetProperty("model").GetDecimal());
                // TTS: the characters sent to ElevenLabs (what it bills), 0.1 per thousand.
                Assert.Equal(reply.Length, cost.GetProperty("ttsCharacters").GetInt64());
                Assert.Equal(server.Tts.Sessions.Sum(s => s.SpokenText.Trim().Length), reply.Length);
                Assert.Equal(Math.Round(reply.Length / 1000m * 0.1m, 6), cost.GetProperty("textToSpeech").GetDecimal());
                // Carrier: a call under a minute is billed one whole minute.
                Assert.Equal(1m, cost.GetProperty("carrierMinutes").GetDecimal());
                Assert.Equal(0.02m, cost.GetProperty("carrier").GetDecimal());
                // STT: every second of caller audio streamed to Deepgram (at least the speech played). No upper bound from the
                // call's wall-clock duration: audio time and wall time drift apart on a loaded machine, and that is not a cost bug.
                var sttSeconds = cost.GetProperty("sttSeconds").GetDouble();
                Assert.True(sttSeconds >= 1.0, $"{sttSeconds} s of audio metered, less than the speech played");
                Assert.Equal(Math.Round((decimal)sttSeconds / 60m * 0.006m, 6), cost.GetProperty("speechToText").GetDecimal(), 6);
                Assert.Equal(cost.GetProperty("carrier").GetDecimal() + cost.GetProperty("speechToText").GetDecimal() + cost.GetProperty("model").GetDecimal()
                    + cost.GetProperty("textToSpeech").GetDecimal(), cost.GetProperty("total").GetDecimal(), 5);
            }
        }
        finally
        {
            prices.Dispose();
        }
    }

    [Fact]
    public void A_price_file_replaces_the_built_in_prices_key_by_key_and_keeps_the_rest()
    {
        var prices = Prices();
        try
        {
            var table = PriceTable.Load(prices.Path);
            Assert.Equal(("EUR", "2026-01-15"), (table.Currency, table.PricesAsOf));
            Assert.Equal(0.02m, table.CarrierPerMinute["media-streams"]);
            Assert.Equal(PriceTable.BuiltIn.CarrierPerMinute["conversation-relay"], table.CarrierPerMinute["conversation-relay"]);
            Assert.Equal(new ModelPrice(2, 0.5m, 10), table.ForModel("claude-haiku-4-5"));
            Assert.Equal(PriceTable.BuiltIn.Models["gpt-4o-mini"], table.ForModel("gpt-4o-mini-2024-07-18")); // a dated snapshot: longest prefix
            Assert.Null(table.ForModel("some-local-model"));
        }
        finally
        {
            prices.Dispose();
        }
    }

    [Theory]
    [InlineData("""{ "sttPerMinute": -1 }""", "sttPerMinute must not be negative")]
    [InlineData("""{ "pricesAsOf": "last week" }""", "pricesAsOf must be a date")]
    [InlineData("""{ "ttsPerCharacter": 0.1 }""", "ttsPerCharacter")]
    [InlineData("""not json""", "is not a price table")]
    public void A_bad_price_file_is_refused_naming_what_is_wrong(string json, string expected)
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, json);
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => PriceTable.Load(path));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Cost_is_computed_from_usage_and_prices_with_cached_tokens_priced_apart_and_unknown_models_listed()
    {
        var usage = new CallUsage();
        usage.AddSttAudio(TimeSpan.FromSeconds(90));
        usage.AddTtsCharacters(2500);
        usage.AddModel("gpt-4o-mini-2024-07-18", new Microsoft.Extensions.AI.UsageDetails { InputTokenCount = 3000, CachedInputTokenCount = 1000, OutputTokenCount = 400 });
        usage.AddModel("local-llama", new Microsoft.Extensions.AI.UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 });

        var cost = CallCost.Compute(PriceTable.BuiltIn, "vonage", TimeSpan.FromSeconds(61), usage);

        Assert.Equal(2m, cost.CarrierMinutes); // 61 s rounds up to two minutes
        Assert.Equal(2m * 0.0080m, cost.Carrier);
        Assert.Equal(Math.Round(1.5m * 0.0077m, 6), cost.SpeechToText);
        Assert.Equal(Math.Round(2.5m * 0.05m, 6), cost.TextToSpeech);
        Assert.Equal(Math.Round((2000 * 0.15m + 1000 * 0.075m + 400 * 0.60m) / 1_000_000m, 6), cost.Model);
        Assert.Equal(["local-llama"], cost.UnpricedModels);
        Assert.Equal((3010L, 1000L, 405L), (cost.InputTokens, cost.CachedInputTokens, cost.OutputTokens));
        Assert.Equal(cost.Carrier + cost.SpeechToText + cost.TextToSpeech + cost.Model, cost.Total);
    }
}
