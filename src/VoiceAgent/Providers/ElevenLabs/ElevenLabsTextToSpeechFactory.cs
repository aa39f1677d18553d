using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Speech;

namespace VoiceAgent.Providers.ElevenLabs;

/// <summary>Creates the ElevenLabs <see cref="ITextToSpeech"/> without a service container.</summary>
public static class ElevenLabsTextToSpeechFactory
{
    /// <summary>Validates <paramref name="options"/> (throwing <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>) and creates the client.</summary>
    public static ITextToSpeech Create(ElevenLabsOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ElevenLabsTextToSpeech(
            options,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ElevenLabsTextToSpeech>(),
            timeProvider ?? TimeProvider.System);
    }
}
