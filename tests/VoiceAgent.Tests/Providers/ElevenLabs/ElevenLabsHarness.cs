using VoiceAgent.Emulators.ElevenLabs;
using VoiceAgent.Providers.ElevenLabs;
using VoiceAgent.Speech;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.ElevenLabs;

/// <summary>A started emulator plus a client pointed at it.</summary>
internal sealed class ElevenLabsHarness : IAsyncDisposable
{
    public const string VoiceId = "21m00Tcm4TlvDq8ikWAM";
    public const string ApiKey = "test-key";

    private ElevenLabsHarness(ElevenLabsEmulator emulator, ElevenLabsOptions options)
    {
        Emulator = emulator;
        Options = options;
        Client = ElevenLabsTextToSpeechFactory.Create(options);
    }

    public ElevenLabsEmulator Emulator { get; }

    public ElevenLabsOptions Options { get; }

    public ITextToSpeech Client { get; }

    public static async Task<ElevenLabsHarness> StartAsync(
        ElevenLabsEmulatorBehavior? behavior = null, Func<ElevenLabsOptions, ElevenLabsOptions>? configure = null)
    {
        var emulator = new ElevenLabsEmulator(behavior ?? new ElevenLabsEmulatorBehavior { ApiKey = ApiKey });
        await emulator.StartAsync().DefaultTimeout();
        var options = new ElevenLabsOptions { ApiKey = ApiKey, VoiceId = VoiceId, BaseUrl = emulator.WebSocketBaseUrl };
        return new ElevenLabsHarness(emulator, configure?.Invoke(options) ?? options);
    }

    public Task<ITextToSpeechStream> OpenAsync(string outputFormat = ElevenLabsOutputFormats.MuLaw8000, string? languageCode = null)
        => Client.OpenAsync(new TextToSpeechStreamOptions(VoiceId, outputFormat, languageCode), CancellationToken.None).DefaultTimeout();

    /// <summary>Opens a stream and returns it with the emulator's record of the connection.</summary>
    public async Task<(ITextToSpeechStream Stream, ElevenLabsEmulatorSession Session)> OpenWithSessionAsync(string outputFormat = ElevenLabsOutputFormats.MuLaw8000)
    {
        var stream = await OpenAsync(outputFormat);
        var session = await Emulator.WaitForSessionAsync(CancellationToken.None).DefaultTimeout();
        return (stream, session);
    }

    public static async Task<List<SpeechAudioChunk>> ReadAllAsync(ITextToSpeechStream stream)
    {
        var chunks = new List<SpeechAudioChunk>();
        await foreach (var chunk in stream.ReadAudioAsync(CancellationToken.None)) chunks.Add(chunk);
        return chunks;
    }

    /// <summary>Sends LLM-style tokens (leading spaces, mid-word splits) one by one, then completes.</summary>
    public static async Task SpeakAsync(ITextToSpeechStream stream, params string[] tokens)
    {
        foreach (var token in tokens) await stream.SendTextAsync(token, CancellationToken.None).DefaultTimeout();
        await stream.CompleteAsync(CancellationToken.None).DefaultTimeout();
    }

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}
