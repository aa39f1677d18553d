using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Speech;

namespace VoiceAgent.Providers.Deepgram;

/// <summary>Creates the Deepgram <see cref="ISpeechToText"/> without a service container.</summary>
public static class DeepgramSpeechToTextFactory
{
    /// <summary>Validates <paramref name="options"/> (throwing an <c>OptionsValidationException</c> listing every error) and returns the client.</summary>
    /// <param name="loggerFactory">Defaults to no logging.</param>
    /// <param name="timeProvider">Clock for KeepAlive, backoff, timeouts and event timestamps; defaults to <see cref="TimeProvider.System"/>.</param>
    public static ISpeechToText Create(DeepgramOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        => new DeepgramSpeechToText(options, loggerFactory ?? NullLoggerFactory.Instance, timeProvider ?? TimeProvider.System);
}
