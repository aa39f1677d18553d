using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Emulators.Deepgram;
using VoiceAgent.Providers.Deepgram;
using VoiceAgent.Speech;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Deepgram;

/// <summary>A Deepgram emulator on a loopback port per test, and a client pointed at it.</summary>
public abstract class DeepgramEmulatorTestBase : IAsyncLifetime, IDisposable
{
    protected static readonly SpeechToTextSessionOptions TwilioAudio = new("nova-3", "en-US", "mulaw", TestAudio.MuLawRate);

    private readonly CancellationTokenSource _testTimeout = new(TaskTimeoutExtensions.DefaultTimeoutSpan);

    protected DeepgramEmulatorTestBase() => Emulator = CreateEmulator();

    protected DeepgramEmulator Emulator { get; }

    /// <summary>Cancelled when the test has run for the default timeout.</summary>
    protected CancellationToken TestTimeout => _testTimeout.Token;

    protected virtual DeepgramEmulator CreateEmulator() => new();

    /// <summary>Client options for the emulator, with quick reconnects so drop tests stay short.</summary>
    protected DeepgramOptions ClientOptions() => new()
    {
        ApiKey = Emulator.ApiKey,
        BaseUrl = Emulator.WebSocketBaseUrl,
        ReconnectAttempts = 3,
        ReconnectBackoff = TimeSpan.FromMilliseconds(20),
        MaxReconnectBackoff = TimeSpan.FromMilliseconds(100),
    };

    protected Task<ISpeechToTextSession> ConnectAsync(DeepgramOptions? options = null, TimeProvider? time = null, SpeechToTextSessionOptions? session = null)
        => DeepgramSpeechToTextFactory.Create(options ?? ClientOptions(), NullLoggerFactory.Instance, time)
            .ConnectAsync(session ?? TwilioAudio, TestTimeout).DefaultTimeout();

    /// <summary>Sends audio in 20 ms frames, as a media stream would.</summary>
    protected async Task SendInFramesAsync(ISpeechToTextSession session, byte[] audio, int frameBytes = TestAudio.MuLawFrameBytes)
    {
        for (var offset = 0; offset < audio.Length; offset += frameBytes)
            await session.SendAudioAsync(audio.AsMemory(offset, Math.Min(frameBytes, audio.Length - offset)), TestTimeout).DefaultTimeout();
    }

    protected Task WaitForEmulatorAsync(Func<DeepgramEmulator, bool> condition) => Emulator.WaitForAsync(condition, TestTimeout).DefaultTimeout();

    public Task InitializeAsync() => Emulator.StartAsync(cancellationToken: TestTimeout);

    public async Task DisposeAsync() => await Emulator.DisposeAsync();

    public void Dispose()
    {
        _testTimeout.Dispose();
        GC.SuppressFinalize(this);
    }
}
