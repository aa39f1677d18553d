using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Speech;

namespace VoiceAgent.Providers.ElevenLabs;

/// <summary>Registers ElevenLabs stream-input as the <see cref="ITextToSpeech"/>.</summary>
public static class ElevenLabsServiceCollectionExtensions
{
    /// <summary>
    /// Validates <paramref name="options"/> now (a bad configuration fails start-up, listing every problem)
    /// and registers a singleton <see cref="ITextToSpeech"/> backed by ElevenLabs. An <see cref="ITextToSpeech"/>
    /// registered earlier (e.g. a test double) wins.
    /// </summary>
    public static IServiceCollection AddElevenLabsTextToSpeech(this IServiceCollection services, ElevenLabsOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITextToSpeech>(sp => new ElevenLabsTextToSpeech(
            options,
            sp.GetService<ILogger<ElevenLabsTextToSpeech>>() ?? NullLogger<ElevenLabsTextToSpeech>.Instance,
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
