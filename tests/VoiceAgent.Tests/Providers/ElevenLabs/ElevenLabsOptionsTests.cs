using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VoiceAgent.Providers.ElevenLabs;
using VoiceAgent.Speech;

namespace VoiceAgent.Tests.Providers.ElevenLabs;

public sealed class ElevenLabsOptionsTests
{
    private static readonly ElevenLabsOptions Valid = new() { ApiKey = "key", VoiceId = "21m00Tcm4TlvDq8ikWAM" };

    public static TheoryData<string, ElevenLabsOptions> InvalidOptions => new()
    {
        { "ApiKey", Valid with { ApiKey = " " } },
        { "BaseUrl", Valid with { BaseUrl = new Uri("https://api.elevenlabs.io") } },
        { "BaseUrl", Valid with { BaseUrl = new Uri("wss://api.elevenlabs.io/v1") } },
        { "VoiceId", Valid with { VoiceId = "" } },
        { "VoiceId", Valid with { VoiceId = "../voices" } },
        { "ModelId", Valid with { ModelId = "" } },
        { "ModelId", Valid with { ModelId = "eleven_v3" } },
        { "Stability", Valid with { VoiceSettings = new ElevenLabsVoiceSettings { Stability = 1.5 } } },
        { "SimilarityBoost", Valid with { VoiceSettings = new ElevenLabsVoiceSettings { SimilarityBoost = -0.1 } } },
        { "Style", Valid with { VoiceSettings = new ElevenLabsVoiceSettings { Style = double.NaN } } },
        { "Speed", Valid with { VoiceSettings = new ElevenLabsVoiceSettings { Speed = 2.0 } } },
        { "ChunkLengthSchedule", Valid with { ChunkLengthSchedule = [] } },
        { "ChunkLengthSchedule[0]", Valid with { ChunkLengthSchedule = [20, 120] } },
        { "ChunkLengthSchedule[1]", Valid with { ChunkLengthSchedule = [50, 501] } },
        { "InactivityTimeoutSeconds", Valid with { InactivityTimeoutSeconds = 0 } },
        { "InactivityTimeoutSeconds", Valid with { InactivityTimeoutSeconds = 181 } },
        { "ConnectTimeout", Valid with { ConnectTimeout = TimeSpan.Zero } },
    };

    [Fact]
    public void DefaultsWithAKeyAndVoiceAreValid()
    {
        Valid.Validate();

        Assert.Empty(Valid.GetValidationErrors());
        Assert.Equal("eleven_flash_v2_5", Valid.ModelId);
        Assert.Equal(new Uri("wss://api.elevenlabs.io"), Valid.BaseUrl);
        Assert.Equal([50, 120, 160, 290], Valid.ChunkLengthSchedule);
        Assert.True(Valid.SyncAlignment);
    }

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void InvalidOptionsFailValidationNamingTheSetting(string setting, ElevenLabsOptions options)
    {
        var error = Assert.Throws<OptionsValidationException>(options.Validate);

        var failure = Assert.Single(error.Failures);
        Assert.Contains(setting, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidationListsEveryProblem()
    {
        var options = new ElevenLabsOptions { InactivityTimeoutSeconds = 500 };

        Assert.Equal(3, options.GetValidationErrors().Count);
    }

    [Fact]
    public void PrintingOptionsNeverShowsTheApiKey()
    {
        var printed = (Valid with { ApiKey = "sk_secret_123" }).ToString();

        Assert.DoesNotContain("sk_secret_123", printed, StringComparison.Ordinal);
        Assert.Contains("ApiKey = ***", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void RegistrationRejectsInvalidOptionsAtStartUp()
    {
        var services = new ServiceCollection();

        Assert.Throws<OptionsValidationException>(() => services.AddElevenLabsTextToSpeech(Valid with { ApiKey = "" }));
    }

    [Fact]
    public void RegistrationProvidesTheElevenlabsTextToSpeech()
    {
        using var provider = new ServiceCollection().AddLogging().AddElevenLabsTextToSpeech(Valid).BuildServiceProvider();

        Assert.IsType<ElevenLabsTextToSpeech>(provider.GetRequiredService<ITextToSpeech>());
    }
}
