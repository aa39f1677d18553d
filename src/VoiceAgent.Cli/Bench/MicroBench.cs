using System.Diagnostics;
using VoiceAgent.Emulators.ElevenLabs;
using VoiceAgent.Providers.ElevenLabs;
using VoiceAgent.Speech;
using VoiceAgent.Speech.Audio;
using VoiceAgent.Speech.Vad;

namespace VoiceAgent.Cli.Bench;

/// <summary>
/// <c>bench --scenario micro</c>: CPU time and managed allocation per 20 ms frame of the inbound audio path
/// (μ-law decode, resampling, VAD with and without the agent's playback for the echo guard), and the ElevenLabs
/// client's connect and first-audio times against its emulator. These figures
/// depend on the machine and its load, so they are reported here and never asserted by the tests.
/// Each path is warmed up first (JIT tiering, static tables), then timed as the fastest of several passes.
/// </summary>
internal static class MicroBench
{
    private const int Passes = 20;
    private const int CallSeconds = 10;

    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var caller8k = Decode(SyntheticSpeech.MuLaw8k(CallSeconds * 1000));
        var agent8k = Decode(SyntheticSpeech.MuLaw8k(CallSeconds * 1000, pitchHz: 210));
        var played8k = Scale(agent8k, 0.1);
        var inbound8k = Mix(caller8k, Delay(Scale(played8k, 0.25), 8000 * 120 / 1000));
        var wire8k = new byte[inbound8k.Length];
        MuLaw.Encode(inbound8k, wire8k);
        var inbound16k = Upsample(inbound8k);
        var played16k = Upsample(played8k);

        await output.WriteLineAsync($"Inbound audio path, per 20 ms frame (best of {Passes} passes over a {CallSeconds} s call; allocation over one whole pass):");
        await output.WriteLineAsync("  path                                        µs/frame   bytes/frame");
        await Report(output, "μ-law decode (160 B)", MeasureDecode(wire8k, cancellationToken));
        await Report(output, "Twilio: μ-law decode + VAD", MeasureVad(8000, inbound8k, null, cancellationToken));
        await Report(output, "Twilio: μ-law decode + VAD + playback", MeasureVad(8000, inbound8k, played8k, cancellationToken));
        await Report(output, "Vonage: PCM16 16 kHz + VAD", MeasureVad(16000, inbound16k, null, cancellationToken));
        await Report(output, "Vonage: PCM16 16 kHz + VAD + playback", MeasureVad(16000, inbound16k, played16k, cancellationToken));
        await Report(output, "Resample 8→16 kHz", MeasureResampler(new Resampler(8000, 16000), inbound8k, 160, cancellationToken));
        await Report(output, "Resample 16→8 kHz", MeasureResampler(new Resampler(16000, 8000), inbound16k, 320, cancellationToken));
        await MeasureTextToSpeechAsync(output, cancellationToken);
        return 0;
    }

    /// <summary>
    /// What the ElevenLabs client adds on loopback against the emulator: connect (TCP + upgrade + BOS), and the
    /// token that crosses the first chunk threshold → first audio chunk read. Medians and maxima over 10 runs.
    /// </summary>
    private static async Task MeasureTextToSpeechAsync(TextWriter output, CancellationToken cancellationToken)
    {
        await using var emulator = new ElevenLabsEmulator(new ElevenLabsEmulatorBehavior { ApiKey = "bench" });
        await emulator.StartAsync(cancellationToken: cancellationToken);
        var client = ElevenLabsTextToSpeechFactory.Create(new ElevenLabsOptions { ApiKey = "bench", VoiceId = "bench-voice", BaseUrl = emulator.WebSocketBaseUrl });
        var connect = new List<double>();
        var firstAudio = new List<double>();
        for (var run = 0; run <= 10; run++)
        {
            var started = Stopwatch.GetTimestamp();
            await using var stream = await client.OpenAsync(new TextToSpeechStreamOptions("bench-voice", ElevenLabsOutputFormats.MuLaw8000, null), cancellationToken);
            var opened = Stopwatch.GetElapsedTime(started);
            await using var reader = stream.ReadAudioAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            await stream.SendTextAsync("Thanks for calling the downtown branch, how can ", cancellationToken); // 48 characters: under the first threshold (50)
            var sent = Stopwatch.GetTimestamp();
            await stream.SendTextAsync("I help? ", cancellationToken);
            if (!await reader.MoveNextAsync()) throw new InvalidOperationException("the TTS emulator sent no audio");
            if (run == 0) continue; // warm-up: JIT and the first connection
            connect.Add(opened.TotalMilliseconds);
            firstAudio.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
        }
        await output.WriteLineAsync("ElevenLabs client against the emulator (loopback, 10 runs after a warm-up):");
        await output.WriteLineAsync($"  connect (TCP + upgrade + BOS)              median {Median(connect),7:F2} ms, max {connect.Max(),7:F2} ms");
        await output.WriteLineAsync($"  threshold-crossing token → first audio     median {Median(firstAudio),7:F2} ms, max {firstAudio.Max(),7:F2} ms");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static Task Report(TextWriter output, string name, (double MicrosPerFrame, double BytesPerFrame) figure)
        => output.WriteLineAsync($"  {name,-42} {figure.MicrosPerFrame,9:F2} {figure.BytesPerFrame,12:F1}");

    private static (double, double) MeasureDecode(byte[] wire, CancellationToken cancellationToken)
    {
        var pcm = new short[160];
        var frames = wire.Length / 160;
        return Time(frames, () => { for (var f = 0; f < frames; f++) MuLaw.Decode(wire.AsSpan(f * 160, 160), pcm); }, cancellationToken);
    }

    private static (double, double) MeasureVad(int rate, short[] inbound, short[]? played, CancellationToken cancellationToken)
    {
        var n = rate / 50;
        var frames = inbound.Length / n;
        var wire = new byte[inbound.Length];
        MuLaw.Encode(inbound, wire); // what Twilio sends; decoded per frame below
        var pcm = new short[n];
        var detector = new VoiceActivityDetector(new VadOptions(), rate); // one call, replayed: steady state per frame
        return Time(frames, () =>
        {
            for (var f = 0; f < frames; f++)
            {
                var frame = inbound.AsSpan(f * n, n);
                if (rate == 8000)
                {
                    MuLaw.Decode(wire.AsSpan(f * n, n), pcm);
                    frame = pcm;
                }
                if (played is not null) detector.ObservePlayback(played.AsSpan(f * n, n));
                detector.Process(frame);
            }
        }, cancellationToken);
    }

    private static (double, double) MeasureResampler(Resampler resampler, short[] input, int frame, CancellationToken cancellationToken)
    {
        var output = new short[resampler.GetOutputLength(frame)];
        var frames = input.Length / frame;
        return Time(frames, () => { for (var f = 0; f < frames; f++) resampler.Process(input.AsSpan(f * frame, frame), output); }, cancellationToken);
    }

    /// <summary>Warms <paramref name="pass"/> up, then returns the fastest pass's µs per frame and the bytes a pass allocated per frame.</summary>
    private static (double MicrosPerFrame, double BytesPerFrame) Time(int frames, Action pass, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 5; i++) pass(); // tier-1 JIT and static tables before measuring
        var before = GC.GetAllocatedBytesForCurrentThread();
        pass();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var best = long.MaxValue;
        for (var i = 0; i < Passes; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = Stopwatch.GetTimestamp();
            pass();
            best = Math.Min(best, Stopwatch.GetTimestamp() - start);
        }
        return (best * 1e6 / Stopwatch.Frequency / frames, allocated / (double)frames);
    }

    private static short[] Decode(byte[] mulaw)
    {
        var pcm = new short[mulaw.Length];
        MuLaw.Decode(mulaw, pcm);
        return pcm;
    }

    private static short[] Scale(short[] samples, double gain) => samples.Select(s => (short)Math.Clamp(s * gain, short.MinValue, short.MaxValue)).ToArray();

    private static short[] Delay(short[] samples, int by)
    {
        var delayed = new short[samples.Length];
        Array.Copy(samples, 0, delayed, by, samples.Length - by);
        return delayed;
    }

    private static short[] Mix(short[] a, short[] b)
        => a.Zip(b, (x, y) => (short)Math.Clamp(x + y, short.MinValue, short.MaxValue)).ToArray();

    private static short[] Upsample(short[] pcm8k)
    {
        var pcm16k = new short[pcm8k.Length * 2];
        new Resampler(8000, 16000).Process(pcm8k, pcm16k);
        return pcm16k;
    }
}
