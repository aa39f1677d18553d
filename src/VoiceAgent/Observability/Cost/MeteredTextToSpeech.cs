using VoiceAgent.Speech;

namespace VoiceAgent.Observability.Cost;

/// <summary>
/// Counts the characters one call sends to text-to-speech (what TTS is billed on) into its <see cref="CallUsage"/>.
/// The count is taken after the text was handed to the stream, so it adds nothing before the words reach TTS.
/// </summary>
internal sealed class MeteredTextToSpeech(ITextToSpeech inner, CallUsage usage) : ITextToSpeech
{
    public async ValueTask<ITextToSpeechStream> OpenAsync(TextToSpeechStreamOptions options, CancellationToken cancellationToken)
        => new Stream(await inner.OpenAsync(options, cancellationToken), usage);

    private sealed class Stream(ITextToSpeechStream inner, CallUsage usage) : ITextToSpeechStream
    {
        public ValueTask SendTextAsync(string text, CancellationToken cancellationToken)
        {
            var send = inner.SendTextAsync(text, cancellationToken);
            usage.AddTtsCharacters(text.Length);
            return send;
        }

        public ValueTask CompleteAsync(CancellationToken cancellationToken) => inner.CompleteAsync(cancellationToken);

        public IAsyncEnumerable<SpeechAudioChunk> ReadAudioAsync(CancellationToken cancellationToken) => inner.ReadAudioAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
