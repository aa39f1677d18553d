using System.Diagnostics;
using VoiceAgent.Emulators.Audio;

namespace VoiceAgent.Tests.EmulatorsTests.TestServer;

/// <summary>Deterministic test audio and measurements over it.</summary>
internal static class TestSignals
{
    /// <summary>A sine tone as 16-bit samples.</summary>
    public static short[] Sine(double frequency, int sampleRate, TimeSpan duration, double amplitude)
    {
        var samples = new short[(int)(sampleRate * duration.TotalSeconds)];
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
        return samples;
    }

    /// <summary>Root mean square of linear samples.</summary>
    public static double Rms(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty) return 0;
        double sum = 0;
        foreach (var s in samples) sum += (double)s * s;
        return Math.Sqrt(sum / samples.Length);
    }

    /// <summary>Writes a canonical 44-byte-header WAV.</summary>
    public static byte[] Wav(ReadOnlySpan<byte> data, ushort format, int channels, int sampleRate, int bitsPerSample)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(36 + data.Length);
        writer.Write("WAVE"u8);
        writer.Write("fmt "u8);
        writer.Write(16);
        writer.Write(format);
        writer.Write((ushort)channels);
        writer.Write(sampleRate);
        writer.Write(sampleRate * channels * bitsPerSample / 8);
        writer.Write((ushort)(channels * bitsPerSample / 8));
        writer.Write((ushort)bitsPerSample);
        writer.Write("data"u8);
        writer.Write(data.Length);
        writer.Write(data);
        writer.Flush();
        return stream.ToArray();
    }

    /// <summary>Speaks <paramref name="text"/> with espeak-ng into a temporary WAV (22 050 Hz, 16-bit mono); returns its path.</summary>
    public static async Task<string> SpeakAsync(string text, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"voiceagent-emulator-{Guid.NewGuid():N}.wav");
        var start = new ProcessStartInfo("espeak-ng") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-w");
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(text);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("espeak-ng did not start.");
        var error = process.StandardError.ReadToEndAsync(cancellationToken); // read while it runs: a full pipe would block it
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true); // a cancelled run is not left behind
            throw;
        }
        await output;
        if (process.ExitCode != 0) throw new InvalidOperationException($"espeak-ng failed: {await error}");
        return path;
    }

    /// <summary>Decodes μ-law and returns the RMS.</summary>
    public static double MuLawRms(ReadOnlySpan<byte> mulaw) => Rms(MuLawCodec.Decode(mulaw));
}
