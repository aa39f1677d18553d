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
