using VoiceAgent.Speech;

namespace VoiceAgent.Observability.Cost;

/// <summary>Counts the audio one call streams to speech-to-text (what streaming STT is billed on) into its <see cref="CallUsage"/>.</summary>
internal sealed class MeteredSpeechToText(ISpeechToText inner, CallUsage usage) : ISpeechToText
{
    public async ValueTask<ISpeechToTextSession> ConnectAsync(SpeechToTextSessionOptions options, CancellationToken cancellationToken)
    {
        var session = await inner.ConnectAsync(options, cancellationToken);
        var bytesPerSecond = options.Encoding.ToLowerInvariant() switch
        {
            "mulaw" or "alaw" => options.SampleRate,
            "linear16" => options.SampleRate * 2,
            _ => 0, // compressed audio: its duration is not its size; not counted
        };
        return bytesPerSecond == 0 ? session : new Session(session, usage, bytesPerSecond);
    }

    private sealed class Session(ISpeechToTextSession inner, CallUsage usage, int bytesPerSecond) : ISpeechToTextSession
    {
        public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
        {
            var send = inner.SendAudioAsync(audio, cancellationToken);
            usage.AddSttAudio(TimeSpan.FromTicks(audio.Length * TimeSpan.TicksPerSecond / bytesPerSecond));
            return send;
        }

        public ValueTask FinalizeAsync(CancellationToken cancellationToken) => inner.FinalizeAsync(cancellationToken);

        public IAsyncEnumerable<SpeechEvent> ReadEventsAsync(CancellationToken cancellationToken) => inner.ReadEventsAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
