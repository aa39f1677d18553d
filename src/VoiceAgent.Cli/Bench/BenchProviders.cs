using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Deepgram;
using VoiceAgent.Emulators.ElevenLabs;

namespace VoiceAgent.Cli.Bench;

/// <summary>The three provider emulators of the media bench, scripted with one short exchange per turn.</summary>
internal sealed class BenchProviders : IAsyncDisposable
{
    public const string Reply = "Sure, we are open nine to five.";
    private readonly ModelTimings _modelTimings = new();
    private readonly AnthropicEmulator _model;
    /// <summary>
    /// The emulated Deepgram finalizes the words at a pause of this much quiet, before its endpoint (300 ms, the
    /// server's default): the final a speculative reply starts on. With or without speculation the turn ends at the endpoint.
    /// </summary>
    public static readonly TimeSpan FinalizeAfterQuiet = TimeSpan.FromMilliseconds(150);
    private readonly DeepgramEmulator _stt = new("bench") { FinalizeAfterQuiet = FinalizeAfterQuiet };
    private readonly ElevenLabsEmulator _tts;

    private BenchProviders(TimeSpan modelFirstToken, TimeSpan ttsFirstAudio)
    {
        _model = new(new() { ApiKey = "bench", FirstTokenDelay = modelFirstToken, InterTokenDelay = TimeSpan.FromMilliseconds(1), Observer = _modelTimings });
        _tts = new(new ElevenLabsEmulatorBehavior { ApiKey = "bench", FirstAudioDelay = ttsFirstAudio });
    }

    public static Task<BenchProviders> StartAsync(int turns, CancellationToken cancellationToken)
        => StartAsync(turns, TimeSpan.Zero, TimeSpan.Zero, cancellationToken);

    /// <summary>Starts the stand-ins: the model answers after <paramref name="modelFirstToken"/>, the TTS's first audio after <paramref name="ttsFirstAudio"/>.</summary>
    public static async Task<BenchProviders> StartAsync(int turns, TimeSpan modelFirstToken, TimeSpan ttsFirstAudio, CancellationToken cancellationToken)
    {
        var providers = new BenchProviders(modelFirstToken, ttsFirstAudio);
        await providers._model.StartAsync(cancellationToken: cancellationToken);
        await providers._stt.StartAsync(cancellationToken: cancellationToken);
        await providers._tts.StartAsync(cancellationToken: cancellationToken);
        for (var i = 0; i < turns; i++)
        {
            providers._model.Enqueue(ChatReply.Text(Reply));
            providers._stt.EnqueueTranscript("What are your opening hours?");
        }
        return providers;
    }

    /// <summary>Model requests the emulated model received, and how many of them the server aborted.</summary>
    public (int Received, int Aborted) ModelRequests => (_model.Requests.Count, _model.Requests.AbortedCount);

    /// <summary>
    /// The stand-ins' own time in each turn, measured at the stand-ins on the Stopwatch clock (ms): the STT from the
    /// arrival of the speech's last audio to its <c>speech_final</c>, the model from the request to its first text delta,
    /// the TTS from a stream's first generation to its first audio.
    /// </summary>
    public StandInTimes OwnTimes()
    {
        static double Ms(long from, long to) => (to - from) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
        var endpointing = _stt.Connections.SelectMany(c => c.Endpoints).Select(e => Ms(e.SpeechEndArrivedAt, e.SentAt)).ToArray();
        var tts = _tts.Sessions.Where(s => s.FirstGenerationAt != 0 && s.FirstAudioSentAt != 0).Select(s => Ms(s.FirstGenerationAt, s.FirstAudioSentAt)).ToArray();
        return new StandInTimes(LatencyStats.Of(endpointing), LatencyStats.Of(_modelTimings.FirstDeltaMs()), LatencyStats.Of(tts));
    }

    /// <summary>The server settings pointing at these emulators.</summary>
    public Dictionary<string, string> Settings(string dataDir) => new()
    {
        ["DATA_DIR"] = dataDir,
        ["ANTHROPIC_API_KEY"] = "bench",
        ["ANTHROPIC_BASE_URL"] = _model.BaseUrl.ToString().TrimEnd('/'),
        ["DEEPGRAM_API_KEY"] = "bench",
        ["DEEPGRAM_BASE_URL"] = _stt.WebSocketBaseUrl.ToString().TrimEnd('/'),
        ["ELEVENLABS_API_KEY"] = "bench",
        ["ELEVENLABS_BASE_URL"] = _tts.WebSocketBaseUrl.ToString().TrimEnd('/'),
        ["WELCOME_GREETING"] = "",
        ["ESCALATE_ON_LOOP"] = "false", // every bench turn asks the same question: that is load, not a caller going round in circles
    };

    public async ValueTask DisposeAsync()
    {
        await _model.DisposeAsync();
        await _stt.DisposeAsync();
        await _tts.DisposeAsync();
    }
}

/// <summary>The provider stand-ins' own times over a run (ms), each measured at its stand-in.</summary>
internal sealed record StandInTimes(LatencyStats Endpointing, LatencyStats ModelFirstToken, LatencyStats TtsFirstAudio)
{
    /// <summary>The sum of their medians: what a turn spends in the stand-ins, typically.</summary>
    public double MedianSum => Endpointing.Median + ModelFirstToken.Median + TtsFirstAudio.Median;
}

/// <summary>Request accepted → first text delta of every request the model stand-in streamed, on the Stopwatch clock.</summary>
internal sealed class ModelTimings : IChatStreamObserver
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, long> _accepted = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<double> _firstDeltaMs = new();

    public void RequestAccepted(RecordedChatRequest request, long timestamp) => _accepted[request.Index] = timestamp;

    public void TextDeltaSent(RecordedChatRequest request, int deltaIndex, string text, long timestamp)
    {
        if (deltaIndex == 0 && _accepted.TryRemove(request.Index, out var accepted))
            _firstDeltaMs.Enqueue((timestamp - accepted) * 1000.0 / System.Diagnostics.Stopwatch.Frequency);
    }

    public double[] FirstDeltaMs() => [.. _firstDeltaMs];
}
