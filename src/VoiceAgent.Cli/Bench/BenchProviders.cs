using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Deepgram;
using VoiceAgent.Emulators.ElevenLabs;

namespace VoiceAgent.Cli.Bench;

/// <summary>The three provider emulators of the media bench, scripted with one short exchange per turn.</summary>
internal sealed class BenchProviders : IAsyncDisposable
{
    public const string Reply = "Sure, we are open nine to five.";
    private readonly AnthropicEmulator _model = new(new() { ApiKey = "bench", InterTokenDelay = TimeSpan.FromMilliseconds(1) });
    /// <summary>
    /// The emulated Deepgram finalizes the words at a pause of this much quiet, before its endpoint (300 ms, the
    /// server's default): the final a speculative reply starts on. With or without speculation the turn ends at the endpoint.
    /// </summary>
    public static readonly TimeSpan FinalizeAfterQuiet = TimeSpan.FromMilliseconds(150);
    private readonly DeepgramEmulator _stt = new("bench") { FinalizeAfterQuiet = FinalizeAfterQuiet };
    private readonly ElevenLabsEmulator _tts = new(new ElevenLabsEmulatorBehavior { ApiKey = "bench" });

    public static async Task<BenchProviders> StartAsync(int turns, CancellationToken cancellationToken)
    {
        var providers = new BenchProviders();
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
