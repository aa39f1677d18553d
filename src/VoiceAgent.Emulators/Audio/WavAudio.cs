namespace VoiceAgent.Emulators.Audio;

/// <summary>Decoded WAV audio: mono 16-bit linear samples at the file's own sample rate.</summary>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="Samples">Mono samples (multi-channel files are averaged down).</param>
public sealed record WavAudio(int SampleRate, ReadOnlyMemory<short> Samples)
{
    /// <summary>How long the audio plays.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);

    /// <summary>8 kHz G.711 μ-law bytes, as Twilio Media Streams carries them.</summary>
    public byte[] ToMuLaw8k() => MuLawCodec.Encode(PcmResampler.Resample(Samples.Span, SampleRate, 8000));

    /// <summary>16-bit little-endian PCM bytes at <paramref name="sampleRate"/>, as Vonage carries them.</summary>
    public byte[] ToPcm16(int sampleRate) => Pcm16.ToBytes(PcmResampler.Resample(Samples.Span, SampleRate, sampleRate));
}
