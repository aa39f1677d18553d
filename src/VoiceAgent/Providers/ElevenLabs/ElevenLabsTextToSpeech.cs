using System.Net.Http;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using VoiceAgent.Speech;

namespace VoiceAgent.Providers.ElevenLabs;

/// <summary>
/// <see cref="ITextToSpeech"/> over ElevenLabs' stream-input WebSocket: one socket per reply, opened (and
/// the BOS message sent) inside <see cref="OpenAsync"/>, so the engine can open it at turn start while the
/// model is still thinking and the first token goes straight onto a warm socket.
/// </summary>
internal sealed partial class ElevenLabsTextToSpeech : ITextToSpeech
{
    private readonly ElevenLabsOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly byte[] _beginFrame;

    public ElevenLabsTextToSpeech(ElevenLabsOptions options, ILogger<ElevenLabsTextToSpeech> logger, TimeProvider clock)
    {
        options.Validate();
        _options = options;
        _logger = logger;
        _clock = clock;
        _beginFrame = BeginFrame(options, 1.0);
    }

    /// <summary>The stream's first message; <paramref name="speedFactor"/> scales the voice speed within ElevenLabs' 0.7–1.2.</summary>
    private static byte[] BeginFrame(ElevenLabsOptions options, double speedFactor)
    {
        var voice = options.VoiceSettings;
        var speed = Math.Round(Math.Clamp(voice.Speed * speedFactor, 0.7, 1.2), 2);
        return JsonSerializer.SerializeToUtf8Bytes(
            new BeginStreamFrame(
                " ",
                new VoiceSettingsFrame(voice.Stability, voice.SimilarityBoost, voice.Style, voice.UseSpeakerBoost, speed),
                new GenerationConfigFrame([.. options.ChunkLengthSchedule])),
            ElevenLabsJsonContext.Default.BeginStreamFrame);
    }

    public async ValueTask<ITextToSpeechStream> OpenAsync(TextToSpeechStreamOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var voiceId = string.IsNullOrWhiteSpace(options.VoiceId) ? _options.VoiceId : options.VoiceId;
        if (!ElevenLabsOptions.IsValidVoiceId(voiceId))
            throw new ArgumentException($"'{voiceId}' is not an ElevenLabs voice id.", nameof(options));
        if (!ElevenLabsOutputFormats.All.Contains(options.OutputFormat))
            throw new ArgumentException($"'{options.OutputFormat}' is not an ElevenLabs output format (e.g. {ElevenLabsOutputFormats.MuLaw8000}, {ElevenLabsOutputFormats.Pcm16000}).", nameof(options));
        if (options.LanguageCode is { } language && (language.Length is < 2 or > 8 || !language.All(c => char.IsAsciiLetter(c) || c == '-')))
            throw new ArgumentException($"'{language}' is not an ISO 639-1 language code.", nameof(options));

        var uri = ElevenLabsStreamInputUri.Build(_options, voiceId, options.OutputFormat, options.LanguageCode);
        Log.Connecting(_logger, voiceId, _options.ModelId, options.OutputFormat, uri.Host);

        var started = _clock.GetTimestamp();
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("xi-api-key", _options.ApiKey);
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await ConnectAsync(socket, uri, cancellationToken);
        }
        catch (ElevenLabsException ex)
        {
            socket.Dispose();
            Log.ConnectFailed(_logger, ex.Kind, ex.Retryable, ex.HttpStatusCode, _clock.GetElapsedTime(started).TotalMilliseconds, ex);
            throw;
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connectTime = _clock.GetElapsedTime(started);
        var stream = new ElevenLabsTextToSpeechStream(socket, _logger, _clock, connectTime, _options.FlushFirstPhrase);
        try
        {
            await stream.StartAsync(options.SpeedFactor == 1.0 ? _beginFrame : BeginFrame(_options, options.SpeedFactor), cancellationToken);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }

        Log.Connected(_logger, connectTime.TotalMilliseconds, voiceId);
        return stream;
    }

    private async Task ConnectAsync(ClientWebSocket socket, Uri uri, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await socket.ConnectAsync(uri, linked.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (WebSocketException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("Opening the ElevenLabs stream was cancelled.", ex, cancellationToken);
        }
        catch (Exception ex) when (timeout.IsCancellationRequested && ex is OperationCanceledException or WebSocketException)
        {
            throw ElevenLabsException.ConnectFailed($"no connection within {_options.ConnectTimeout.TotalSeconds:0.###} s.", ex);
        }
        catch (WebSocketException ex) when ((int)socket.HttpStatusCode >= 400)
        {
            throw ElevenLabsException.HandshakeRejected((int)socket.HttpStatusCode, ex);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException)
        {
            throw ElevenLabsException.ConnectFailed(ex.Message, ex);
        }
    }
}
