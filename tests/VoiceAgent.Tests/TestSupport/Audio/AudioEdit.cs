using System.Buffers.Binary;

namespace VoiceAgent.Tests.TestSupport.Audio;

/// <summary>Sample-exact edits on PCM16 test signals: levels, mixing at an SNR, delay, concatenation, conversions.</summary>
public static class AudioEdit
{
    /// <summary>Samples of <paramref name="milliseconds"/> at <paramref name="sampleRate"/>.</summary>
    public static int SamplesFor(int sampleRate, int milliseconds) => (int)((long)sampleRate * milliseconds / 1000);

    /// <summary>Digital silence.</summary>
    public static short[] Silence(int sampleRate, int milliseconds) => new short[SamplesFor(sampleRate, milliseconds)];

    /// <summary>RMS level in dBFS (full scale 32768; −120 for silence).</summary>
    public static double RmsDbfs(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (short s in samples)
        {
            sum += (double)s * s;
        }

        return samples.IsEmpty || sum == 0 ? -120 : 10 * Math.Log10(sum / samples.Length / (32768.0 * 32768.0));
    }

    /// <summary>Scales by <paramref name="gainDb"/> (negative attenuates), saturating.</summary>
    public static short[] Gain(ReadOnlySpan<short> samples, double gainDb)
    {
        double factor = Math.Pow(10, gainDb / 20);
        var result = new short[samples.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            result[i] = Saturate(samples[i] * factor);
        }

        return result;
    }

    /// <summary>Scales so the RMS level is <paramref name="rmsDbfs"/>.</summary>
    public static short[] ScaleTo(ReadOnlySpan<short> samples, double rmsDbfs) => Gain(samples, rmsDbfs - RmsDbfs(samples));

    /// <summary>Prepends <paramref name="milliseconds"/> of silence (an echo path delay).</summary>
    public static short[] Delay(ReadOnlySpan<short> samples, int sampleRate, int milliseconds)
        => Concat(Silence(sampleRate, milliseconds), samples.ToArray());

    /// <summary>Pads or cuts to exactly <paramref name="length"/> samples.</summary>
    public static short[] Fit(ReadOnlySpan<short> samples, int length)
    {
        var result = new short[length];
        samples[..Math.Min(length, samples.Length)].CopyTo(result);
        return result;
    }

    /// <summary>Joins signals end to end.</summary>
    public static short[] Concat(params short[][] parts)
    {
        var result = new short[parts.Sum(p => p.Length)];
        int offset = 0;
        foreach (short[] part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }

        return result;
    }

    /// <summary>Adds signals sample by sample (saturating); the result is as long as the longest.</summary>
    public static short[] Mix(params short[][] signals)
    {
        var result = new short[signals.Max(s => s.Length)];
        for (int i = 0; i < result.Length; i++)
        {
            double sum = 0;
            foreach (short[] signal in signals)
            {
                sum += i < signal.Length ? signal[i] : 0;
            }

            result[i] = Saturate(sum);
        }

        return result;
    }

    /// <summary>
    /// Mixes <paramref name="speech"/> into <paramref name="noise"/> so the speech RMS (over the whole speech signal)
    /// is <paramref name="snrDb"/> above the noise RMS; the noise level is kept and the speech scaled.
    /// </summary>
    public static short[] MixAtSnr(short[] speech, short[] noise, double snrDb)
    {
        short[] scaled = ScaleTo(speech, RmsDbfs(noise) + snrDb);
        return Mix(noise, scaled);
    }

    /// <summary>Places <paramref name="signal"/> at <paramref name="offsetMs"/> inside <paramref name="background"/> (added).</summary>
    public static short[] Overlay(short[] background, short[] signal, int sampleRate, int offsetMs)
        => Mix(background, Delay(signal, sampleRate, offsetMs));

    /// <summary>Little-endian PCM16 bytes to samples.</summary>
    public static short[] ToSamples(ReadOnlySpan<byte> bytes)
    {
        var result = new short[bytes.Length / 2];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]);
        }

        return result;
    }

    /// <summary>Samples to little-endian PCM16 bytes.</summary>
    public static byte[] ToBytes(ReadOnlySpan<short> samples)
    {
        var result = new byte[samples.Length * 2];
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(result.AsSpan(2 * i), samples[i]);
        }

        return result;
    }

    /// <summary>A sine of <paramref name="frequencyHz"/> with peak <paramref name="amplitude"/> (computed, for exact test references).</summary>
    public static short[] Sine(int sampleRate, int milliseconds, double frequencyHz, double amplitude, double phase = 0)
    {
        var result = new short[SamplesFor(sampleRate, milliseconds)];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Saturate(amplitude * Math.Sin((2 * Math.PI * frequencyHz * i / sampleRate) + phase));
        }

        return result;
    }

    /// <summary>The start of the first 10 ms window louder than <paramref name="thresholdDbfs"/>, or null.</summary>
    public static TimeSpan? FirstActivity(ReadOnlySpan<short> samples, int sampleRate, double thresholdDbfs = -45)
    {
        int window = sampleRate / 100;
        for (int start = 0; start + window <= samples.Length; start += window)
        {
            if (RmsDbfs(samples.Slice(start, window)) > thresholdDbfs)
            {
                return TimeSpan.FromSeconds((double)start / sampleRate);
            }
        }

        return null;
    }

    /// <summary>The end of the last 10 ms window louder than <paramref name="thresholdDbfs"/>, or null.</summary>
    public static TimeSpan? LastActivity(ReadOnlySpan<short> samples, int sampleRate, double thresholdDbfs = -45)
    {
        int window = sampleRate / 100;
        for (int start = (samples.Length / window * window) - window; start >= 0; start -= window)
        {
            if (RmsDbfs(samples.Slice(start, window)) > thresholdDbfs)
            {
                return TimeSpan.FromSeconds((double)(start + window) / sampleRate);
            }
        }

        return null;
    }

    /// <summary>Cuts leading and trailing quiet (10 ms windows at or below <paramref name="thresholdDbfs"/>).</summary>
    public static short[] Trim(short[] samples, int sampleRate, double thresholdDbfs = -45)
    {
        TimeSpan? first = FirstActivity(samples, sampleRate, thresholdDbfs);
        TimeSpan? last = LastActivity(samples, sampleRate, thresholdDbfs);
        if (first is null || last is null)
        {
            return [];
        }

        int start = (int)Math.Round(first.Value.TotalSeconds * sampleRate);
        int end = (int)Math.Round(last.Value.TotalSeconds * sampleRate);
        return samples[start..end];
    }

    private static short Saturate(double value) => (short)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue);
}
