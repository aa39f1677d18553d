using System.Globalization;
using System.Security.Cryptography;

namespace VoiceAgent.Tests.TestSupport.Audio;

/// <summary>
/// Test audio made at test time with espeak-ng (speech) and sox (format conversion, resampling, noise,
/// tones, telephone filtering); nothing is downloaded. Files are cached per run by <see cref="AudioTools"/>.
/// Signals come back as PCM16 samples (edit them with <see cref="AudioEdit"/>) or as wire bytes.
/// </summary>
public static class TestAudio
{
    /// <summary>A sentence spoken by espeak-ng, as PCM16 samples at <paramref name="sampleRate"/> (sox resamples).</summary>
    public static async Task<short[]> SpeechAsync(string text, int sampleRate, string voice = "en-us", int wordsPerMinute = 150)
    {
        string wav = await SpeechWavAsync(text, voice, wordsPerMinute);
        string raw = await AudioTools.ProduceAsync("sox", "raw", "-D", wav, "-t", "raw", "-e", "signed-integer", "-b", "16", "-c", "1", "-L", "-r", Rate(sampleRate), "{out}");
        return AudioEdit.ToSamples(WaveFile.ReadRaw(raw));
    }

    /// <summary>A sentence as the raw bytes Twilio sends: G.711 μ-law at 8 kHz, encoded by sox.</summary>
    public static async Task<byte[]> SpeechMuLaw8kAsync(string text, string voice = "en-us", int wordsPerMinute = 150)
    {
        string wav = await SpeechWavAsync(text, voice, wordsPerMinute);
        string raw = await AudioTools.ProduceAsync("sox", "ulaw", "-D", wav, "-t", "raw", "-e", "mu-law", "-b", "8", "-c", "1", "-r", "8000", "{out}");
        return WaveFile.ReadRaw(raw);
    }

    /// <summary>A sentence as the raw bytes Vonage sends: PCM16 little-endian at 16 kHz.</summary>
    public static async Task<byte[]> SpeechPcm16kAsync(string text, string voice = "en-us", int wordsPerMinute = 150)
        => AudioEdit.ToBytes(await SpeechAsync(text, 16000, voice, wordsPerMinute));

    /// <summary>The espeak-ng WAV (22.05 kHz PCM16) of a sentence; its path in the cache.</summary>
    public static Task<string> SpeechWavAsync(string text, string voice = "en-us", int wordsPerMinute = 150)
        => AudioTools.ProduceAsync("espeak-ng", "wav", "-v", voice, "-s", wordsPerMinute.ToString(CultureInfo.InvariantCulture), "-w", "{out}", text);

    /// <summary>Steady white noise at an RMS level (sox <c>whitenoise</c>, repeatable).</summary>
    public static Task<short[]> WhiteNoiseAsync(int sampleRate, int milliseconds, double rmsDbfs)
        => SynthAsync(sampleRate, milliseconds, rmsDbfs, "whitenoise");

    /// <summary>Steady pink (1/f) noise at an RMS level (sox <c>pinknoise</c>, repeatable).</summary>
    public static Task<short[]> PinkNoiseAsync(int sampleRate, int milliseconds, double rmsDbfs)
        => SynthAsync(sampleRate, milliseconds, rmsDbfs, "pinknoise");

    /// <summary>A burst of white noise with 5 ms fades (a click, knock or cough-like transient).</summary>
    public static async Task<short[]> NoiseBurstAsync(int sampleRate, int milliseconds, double rmsDbfs)
    {
        string seconds = Seconds(milliseconds);
        string raw = await AudioTools.ProduceAsync("sox", "raw", "-R", "-n", "-t", "raw", "-e", "signed-integer", "-b", "16", "-c", "1", "-L", "-r", Rate(sampleRate), "{out}",
            "synth", seconds, "whitenoise", "fade", "0.005", seconds, "0.005");
        return AudioEdit.ScaleTo(AudioEdit.ToSamples(WaveFile.ReadRaw(raw)), rmsDbfs);
    }

    /// <summary>Mains hum: <paramref name="mainsHz"/> with its 3rd (−10 dB) and 5th (−20 dB) harmonics, at an RMS level.</summary>
    public static async Task<short[]> HumAsync(int sampleRate, int milliseconds, double rmsDbfs, int mainsHz = 50)
    {
        short[] fundamental = await SynthAsync(sampleRate, milliseconds, -10, "sine", mainsHz.ToString(CultureInfo.InvariantCulture));
        short[] third = await SynthAsync(sampleRate, milliseconds, -20, "sine", (3 * mainsHz).ToString(CultureInfo.InvariantCulture));
        short[] fifth = await SynthAsync(sampleRate, milliseconds, -30, "sine", (5 * mainsHz).ToString(CultureInfo.InvariantCulture));
        return AudioEdit.ScaleTo(AudioEdit.Mix(fundamental, third, fifth), rmsDbfs);
    }

    /// <summary>Passes a signal through sox's 300–3400 Hz band-pass, as the phone network filters an echo.</summary>
    public static async Task<short[]> TelephoneBandAsync(short[] samples, int sampleRate)
    {
        byte[] bytes = AudioEdit.ToBytes(samples);
        string input = Path.Combine(AudioTools.CacheDirectory, Convert.ToHexString(SHA256.HashData(bytes))[..24] + ".in.raw");
        if (!File.Exists(input))
        {
            string temporary = input + "." + Guid.NewGuid().ToString("N");
            await File.WriteAllBytesAsync(temporary, bytes);
            File.Move(temporary, input, overwrite: true);
        }

        string rate = Rate(sampleRate);
        string output = await AudioTools.ProduceAsync("sox", "raw", "-t", "raw", "-e", "signed-integer", "-b", "16", "-c", "1", "-L", "-r", rate, input,
            "-t", "raw", "-e", "signed-integer", "-b", "16", "-c", "1", "-L", "-r", rate, "{out}", "sinc", "300-3400");
        return AudioEdit.Fit(AudioEdit.ToSamples(WaveFile.ReadRaw(output)), samples.Length);
    }

    /// <summary>μ-law digital silence (0xFF) for <paramref name="milliseconds"/> at 8 kHz.</summary>
    public static byte[] SilenceMuLaw8k(int milliseconds)
    {
        var bytes = new byte[AudioEdit.SamplesFor(8000, milliseconds)];
        Array.Fill(bytes, (byte)0xFF);
        return bytes;
    }

    private static async Task<short[]> SynthAsync(int sampleRate, int milliseconds, double rmsDbfs, params string[] generator)
    {
        string raw = await AudioTools.ProduceAsync("sox", "raw", ["-R", "-n", "-t", "raw", "-e", "signed-integer", "-b", "16", "-c", "1", "-L", "-r", Rate(sampleRate), "{out}",
            "synth", Seconds(milliseconds), .. generator, "vol", "0.5"]);
        short[] samples = AudioEdit.Fit(AudioEdit.ToSamples(WaveFile.ReadRaw(raw)), AudioEdit.SamplesFor(sampleRate, milliseconds));
        return AudioEdit.ScaleTo(samples, rmsDbfs);
    }

    private static string Rate(int sampleRate) => sampleRate.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(int milliseconds) => (milliseconds / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
}
