namespace VoiceAgent.Speech;

/// <summary>A streaming text-to-speech provider (ElevenLabs stream-input).</summary>
public interface ITextToSpeech
{
    /// <summary>Opens one synthesis stream, normally one per agent reply.</summary>
    ValueTask<ITextToSpeechStream> OpenAsync(TextToSpeechStreamOptions options, CancellationToken cancellationToken);
}

/// <summary>One synthesis stream: push text tokens as the model produces them, read audio as it is made.</summary>
public interface ITextToSpeechStream : IAsyncDisposable
{
    /// <summary>Sends a text fragment; it is spoken in order after everything sent before.</summary>
    ValueTask SendTextAsync(string text, CancellationToken cancellationToken);

    /// <summary>The reply is complete: generate everything buffered and finish the stream.</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Audio chunks in order; ends after the provider's final message.</summary>
    IAsyncEnumerable<SpeechAudioChunk> ReadAudioAsync(CancellationToken cancellationToken);
}

/// <summary>Per-reply TTS settings (per-locale voice; output format matched to the transport).</summary>
/// <param name="OutputFormat">ElevenLabs output format, e.g. <c>ulaw_8000</c> (Twilio) or <c>pcm_16000</c> (Vonage).</param>
public sealed record TextToSpeechStreamOptions(string VoiceId, string OutputFormat, string? LanguageCode = null)
{
    /// <summary>Multiplies the configured voice speed (the caller asked for slower or faster); 1 = as configured.</summary>
    public double SpeedFactor { get; init; } = 1.0;
}

/// <summary>
/// Synthesised audio in the stream's output format, with the characters it speaks and their start
/// times relative to the chunk (empty when the provider sent no alignment).
/// </summary>
public sealed record SpeechAudioChunk(ReadOnlyMemory<byte> Audio, string AlignedText, IReadOnlyList<int> CharStartMs, IReadOnlyList<int> CharDurationMs);
