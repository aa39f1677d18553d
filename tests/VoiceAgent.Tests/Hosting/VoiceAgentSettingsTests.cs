using Microsoft.Extensions.Configuration;
using VoiceAgent.Hosting;

namespace VoiceAgent.Tests.Hosting;

public sealed class VoiceAgentSettingsTests
{
    private static VoiceAgentSettings From(params (string Key, string Value)[] values)
        => VoiceAgentSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    [Fact]
    public void Defaults_are_the_documented_ones_and_valid()
    {
        var settings = From();
        Assert.Equal("http://127.0.0.1:8080", settings.PublicBaseUrl);
        Assert.Equal("claude-haiku-4-5", settings.AnthropicModel);
        Assert.Equal(300, settings.AnthropicMaxTokens);
        Assert.Equal(120, settings.OpenAIMaxTokens);
        Assert.Equal("eleven_flash_v2_5", settings.ElevenLabsModelId);
        Assert.Equal(8, settings.HistoryTurns);
        Assert.Empty(settings.Validate());
    }

    [Fact]
    public void Echo_cancellation_is_on_by_default_in_the_settings_and_in_a_pipeline_built_directly()
    {
        Assert.True(From().EchoCancellation);
        Assert.True(new VoiceAgent.Speech.Pipeline.SpeechPipelineOptions().EchoCancellation);
        Assert.False(From(("ECHO_CANCELLATION", "false")).EchoCancellation);
    }

    [Fact]
    public void The_provider_follows_whichever_key_is_set_unless_chosen()
    {
        Assert.Equal("openai", From(("OPENAI_API_KEY", "k")).EffectiveLlmProvider);
        Assert.Equal("anthropic", From(("OPENAI_API_KEY", "k"), ("ANTHROPIC_API_KEY", "k")).EffectiveLlmProvider);
        Assert.Equal("openai", From(("ANTHROPIC_API_KEY", "k"), ("LLM_PROVIDER", "OpenAI")).EffectiveLlmProvider);
    }

    [Fact]
    public void Every_error_is_listed_with_a_fix()
    {
        var errors = From(("PUBLIC_BASE_URL", "voice.example.com"), ("LLM_PROVIDER", "gemini"), ("DEEPGRAM_BASE_URL", "https://api.deepgram.com"),
            ("DEEPGRAM_UTTERANCE_END_MS", "900"), ("TWILIO_ACCOUNT_SID", "XX123")).Validate();

        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, e => e.Contains("PUBLIC_BASE_URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("LLM_PROVIDER", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("DEEPGRAM_BASE_URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("at least 1000", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("TWILIO_ACCOUNT_SID", StringComparison.Ordinal));
    }

    [Fact]
    public void A_public_base_url_with_a_path_is_refused()
        => Assert.Contains(From(("PUBLIC_BASE_URL", "https://voice.example.com/agent")).Validate(), e => e.Contains("origin", StringComparison.Ordinal));

    [Fact]
    public void Speech_options_are_read_from_configuration()
    {
        var settings = From(("DEEPGRAM_ENDPOINTING_MS", "450"), ("DEEPGRAM_UTTERANCE_END_MS", "1500"), ("DEEPGRAM_SMART_FORMAT", "false"),
            ("ELEVENLABS_CHUNK_SCHEDULE", "80, 160,250"), ("ELEVENLABS_SPEED", "1.1"), ("STT_MIN_CONFIDENCE", "0.7"));
        Assert.Equal(450, settings.DeepgramEndpointingMs);
        Assert.Equal(1500, settings.DeepgramUtteranceEndMs);
        Assert.False(settings.DeepgramSmartFormat);
        Assert.Equal([80, 160, 250], settings.ElevenLabsChunkSchedule);
        Assert.Equal(1.1, settings.ElevenLabsSpeed);
        Assert.Equal(0.7, settings.SttMinConfidence);
    }

    [Theory]
    [InlineData("HISTORY_TURNS", "eight", "whole number")]
    [InlineData("SEND_STALL_TIMEOUT_MS", "10s", "milliseconds")]
    [InlineData("STT_MIN_CONFIDENCE", "0,7", "number with a dot")]
    [InlineData("DEEPGRAM_SMART_FORMAT", "yes", "true or false")]
    [InlineData("RELAY_INTERRUPTIBLE", "sometimes", "one of none, dtmf, speech, any")]
    [InlineData("ELEVENLABS_CHUNK_SCHEDULE", "50,lots", "comma-separated whole numbers")]
    [InlineData("ANTHROPIC_BASE_URL", "api.anthropic.com", "http(s) origin")]
    public void A_malformed_value_is_listed_naming_the_variable_and_the_fix(string key, string value, string fix)
    {
        var error = Assert.Single(From((key, value)).Validate());
        Assert.StartsWith(key, error, StringComparison.Ordinal);
        Assert.Contains(fix, error, StringComparison.Ordinal);
        Assert.Contains(value, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_malformed_value_is_listed_at_once_without_throwing()
    {
        var errors = From(("OPENAI_MAX_TOKENS", "lots"), ("ELEVENLABS_SPEED", "fast"), ("RECORDING", "x"), ("DEV_BYPASS_SIGNATURE", "1"),
            ("RELAY_INTERRUPTIBLE", "2"), ("OPENAI_BASE_URL", "localhost:11434/v1"), ("MAX_CALL_SECONDS", "1h")).Validate();

        Assert.Equal(6, errors.Count);
        foreach (var key in new[] { "OPENAI_MAX_TOKENS", "ELEVENLABS_SPEED", "DEV_BYPASS_SIGNATURE", "RELAY_INTERRUPTIBLE", "OPENAI_BASE_URL", "MAX_CALL_SECONDS" })
            Assert.Contains(errors, e => e.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public void The_relay_interruptible_choice_is_parsed_once_at_start_up()
        => Assert.Equal(VoiceAgent.Telephony.Twilio.TwiML.ConversationRelayInputMode.Speech, From(("RELAY_INTERRUPTIBLE", "Speech")).RelayInterruptible);

    [Fact]
    public void Abuse_limits_have_documented_defaults_and_out_of_range_values_are_listed()
    {
        var defaults = From();
        Assert.Equal(64 * 1024, defaults.MaxRequestBodyBytes);
        Assert.Equal(TimeSpan.FromSeconds(5), defaults.SocketStartTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), defaults.CarrierIdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), defaults.SendStallTimeout);
        Assert.Equal(TimeSpan.FromHours(1), defaults.MaxCallLength);

        var errors = From(("MAX_REQUEST_BODY_BYTES", "10"), ("SOCKET_START_TIMEOUT_MS", "0"), ("CARRIER_IDLE_TIMEOUT_MS", "-5"),
            ("WEBSOCKET_KEEPALIVE_TIMEOUT_MS", "0"), ("MAX_CALL_SECONDS", "0")).Validate();
        Assert.Equal(5, errors.Count);
    }
    [Fact]
    public void The_model_races_a_second_request_after_800_ms_and_gives_up_at_four_times_that()
    {
        var settings = From();
        Assert.Equal(TimeSpan.FromMilliseconds(800), settings.ModelFirstTokenTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(3200), settings.EffectiveModelGiveUpTimeout);
        Assert.Null(settings.LlmFallbackProvider);
        Assert.Equal(TimeSpan.FromSeconds(5), From(("MODEL_GIVE_UP_TIMEOUT_MS", "5000")).EffectiveModelGiveUpTimeout);
    }

    [Fact]
    public void A_fallback_provider_without_its_key_is_refused_at_start_up_with_the_fix()
    {
        var errors = From(("ANTHROPIC_API_KEY", "k"), ("LLM_FALLBACK_PROVIDER", "OpenAI")).Validate();

        var error = Assert.Single(errors);
        Assert.Contains("LLM_FALLBACK_PROVIDER=openai needs OPENAI_API_KEY", error, StringComparison.Ordinal);
        Assert.Empty(From(("ANTHROPIC_API_KEY", "k"), ("OPENAI_API_KEY", "k"), ("LLM_FALLBACK_PROVIDER", "openai")).Validate());
    }

    [Fact]
    public void An_unknown_fallback_provider_is_refused()
        => Assert.Contains(From(("LLM_FALLBACK_PROVIDER", "gemini")).Validate(), e => e.Contains("LLM_FALLBACK_PROVIDER must be 'anthropic' or 'openai'", StringComparison.Ordinal));
}
