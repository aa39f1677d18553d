using Microsoft.Extensions.Logging;
using VoiceAgent.Speech;

namespace VoiceAgent.Providers.Deepgram;

/// <summary>Deepgram live transcription: one WebSocket session per call.</summary>
internal sealed class DeepgramSpeechToText : ISpeechToText
{
    private readonly DeepgramOptions _options;
    private readonly DeepgramConnector _connector;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private int _sessionCount;

    public DeepgramSpeechToText(DeepgramOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.ThrowIfInvalid();
        _options = options;
        _logger = loggerFactory.CreateLogger<DeepgramSpeechToText>();
        _time = timeProvider;
        _connector = new DeepgramConnector(options, _logger, timeProvider);
    }

    /// <summary>
    /// Connects (retrying retryable failures up to <see cref="DeepgramOptions.ReconnectAttempts"/> times) and
    /// returns the running session; throws <see cref="DeepgramConnectionException"/> when no socket could be opened.
    /// </summary>
    public async ValueTask<ISpeechToTextSession> ConnectAsync(SpeechToTextSessionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Encoding, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.SampleRate, nameof(options));

        var url = DeepgramListenUri.Build(_options, options);
        var session = new DeepgramSpeechToTextSession(_options, url, Interlocked.Increment(ref _sessionCount),
            AudioByteRate.Of(options.Encoding, options.SampleRate), _connector, _logger, _time);
        try
        {
            await session.StartAsync(cancellationToken);
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }
}
