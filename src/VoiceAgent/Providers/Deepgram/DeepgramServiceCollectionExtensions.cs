using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Speech;

namespace VoiceAgent.Providers.Deepgram;

/// <summary>Registers Deepgram as the <see cref="ISpeechToText"/> of the container.</summary>
public static class DeepgramServiceCollectionExtensions
{
    /// <summary>
    /// Adds Deepgram live speech-to-text unless another <see cref="ISpeechToText"/> is registered. Validates
    /// <paramref name="options"/> now, so bad configuration fails at start-up. Uses the container's
    /// <see cref="ILoggerFactory"/> and <see cref="TimeProvider"/> (<see cref="TimeProvider.System"/> if none).
    /// </summary>
    public static IServiceCollection AddDeepgramSpeechToText(this IServiceCollection services, DeepgramOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISpeechToText>(provider => new DeepgramSpeechToText(
            options,
            provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            provider.GetRequiredService<TimeProvider>()));
        return services;
    }
}
