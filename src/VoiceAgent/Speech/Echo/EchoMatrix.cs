using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Speech.Vad;

namespace VoiceAgent.Speech.Echo;

/// <summary>One cell of the echo matrix: how the caller's line echoes the agent, and whether the caller talks over it.</summary>
/// <param name="DelayMs">Echo delay, 20–400 ms.</param>
/// <param name="GainDb">Echo level relative to what we played, −20 to −6 dB.</param>
/// <param name="MidReply">The echo appears in the middle of the reply (someone switches to speakerphone), not from the start.</param>
/// <param name="LineNoise">White line noise at −50 dBFS under everything.</param>
/// <param name="ChangingPath">Half-way through, the echo path changes: delay +25 ms and gain +4 dB (a phone moved).</param>
/// <param name="Caller">The caller talks over the agent at the echo's level + 6 dB.</param>
internal sealed record EchoCell(int DelayMs, double GainDb, bool MidReply, bool LineNoise, bool ChangingPath, bool Caller)
{
    public override string ToString()
        => $"{DelayMs,3} ms {GainDb,4:0} dB {(MidReply ? "mid  " : "start")} {(LineNoise ? "noise" : "clean")} {(ChangingPath ? "moving" : "fixed ")} {(Caller ? "caller" : "echo  ")}";
}

/// <summary>What the barge-in decision did in one cell, in audio time (frames), never wall time.</summary>
/// <param name="FalseBargeIn">A barge-in fired before the caller started talking (or with no caller at all).</param>
/// <param name="BargeInAfterOnsetMs">With a caller: how long after the caller's speech onset the barge-in fired; null if it never did.</param>
/// <param name="DoubleTalkFrames">Frames on which the canceller's double-talk detector held (before the barge-in, if any).</param>
internal readonly record struct EchoCellOutcome(bool FalseBargeIn, double? BargeInAfterOnsetMs, int DoubleTalkFrames = 0)
{
    /// <summary>With a caller, no barge-in within <paramref name="limitMs"/> of the onset.</summary>
    public bool Missed(double limitMs) => BargeInAfterOnsetMs is not { } ms || ms > limitMs;
}

/// <summary>
/// Runs the audio path's barge-in chain (echo canceller → VAD with echo guard → barge-in decision) over generated
/// audio, frame by frame, exactly as <see cref="SpeechPipeline"/> does, with time counted in samples. Deterministic:
/// the same cell gives the same outcome on any machine. Used by the unit tests and by <c>bench --scenario echo</c>.
/// </summary>
internal static class EchoMatrix
{
    public const int ReplyMs = 7000;
    public const int EchoAppearsMs = 2500;
    public const int PathChangesMs = 3500;
    public const int CallerStartsMs = 4500;
    public const int CallerMs = 1500;
    public const double BargeInLimitMs = 400;
    public const int PathChangeDelayMs = 25;
    public const double PathChangeGainDb = 4;

    /// <summary>Every cell: delays 20–400 ms, gains −20 to −6 dB, from the start or mid-reply, with and without noise, fixed or moving path, with and without a caller.</summary>
    public static IReadOnlyList<EchoCell> Cells()
    {
        var cells = new List<EchoCell>();
        foreach (var delay in new[] { 20, 60, 120, 250, 400 })
            foreach (var gain in new[] { -20.0, -12, -6 })
                foreach (var mid in new[] { false, true })
                    foreach (var noise in new[] { false, true })
                        foreach (var moving in new[] { false, true })
                            foreach (var caller in new[] { false, true })
                                cells.Add(new EchoCell(delay, gain, mid, noise, moving, caller));
        return cells;
    }

    public static EchoCellOutcome Run(EchoCell cell, int sampleRate, bool cancelEcho = true, SpeechPipelineOptions? options = null, TextWriter? trace = null)
    {
        options ??= new SpeechPipelineOptions();
        var frame = sampleRate / 50;
        var total = (ReplyMs + 1000) * sampleRate / 1000 / frame * frame;
        var played = new short[total];
        var voice = SyntheticVoice.Render(sampleRate, ReplyMs, seed: cell.DelayMs * 7 + (int)cell.GainDb);
        voice.AsSpan().CopyTo(played);

        var near = new float[total];
        AddEcho(near, played, sampleRate, cell);
        var callerOnset = -1;
        var callerOnly = trace is null ? null : new float[total]; // the caller alone, for the trace's ground truth
        if (cell.Caller)
        {
            // The caller at the echo's level + 6 dB: the echo of a −20 dBFS agent at GainDb, plus 6 dB.
            var callerVoice = SyntheticVoice.Render(sampleRate, CallerMs, seed: 1000 + cell.DelayMs, pitchLow: 160, pitchHigh: 260);
            // 6 dB above the echo as it is when the caller talks (a moved path is 4 dB louder by then).
            var echoDb = cell.GainDb + (cell.ChangingPath && CallerStartsMs >= PathChangesMs ? PathChangeGainDb : 0);
            var gain = Math.Pow(10, (echoDb + 6) / 20);
            var start = CallerStartsMs * sampleRate / 1000;
            for (var i = 0; i < callerVoice.Length && start + i < total; i++)
            {
                near[start + i] += (float)(callerVoice[i] * gain);
                if (callerOnly is not null) callerOnly[start + i] = (float)(callerVoice[i] * gain);
            }
            var first = Array.FindIndex(callerVoice, s => Math.Abs(s) > 30);
            callerOnset = start + Math.Max(first, 0);
        }
        if (cell.LineNoise)
        {
            var noise = SyntheticVoice.Noise(sampleRate, (ReplyMs + 1000), -50, seed: 7);
            for (var i = 0; i < total && i < noise.Length; i++) near[i] += noise[i];
        }

        var canceller = new EchoCanceller(sampleRate);
        var vad = new VoiceActivityDetector(options.Vad, sampleRate);
        var decision = new BargeInDecision(options.BargeInMinSpeech, sampleRate);
        var inbound = new short[frame];
        var replyEnd = ReplyMs * sampleRate / 1000;
        var doubleTalkFrames = 0;
        const long origin = 1_000_000; // timestamps are samples since an arbitrary non-zero origin
        for (var f = 0; f * frame + frame <= total; f++)
        {
            var at = f * frame;
            var far = played.AsSpan(at, frame);
            for (var i = 0; i < frame; i++) inbound[i] = (short)Math.Clamp(MathF.Round(near[at + i]), short.MinValue, short.MaxValue);
            var rawDbfs = trace is null ? 0 : Audio.Pcm16.Dbfs(inbound);
            if (cancelEcho) canceller.Process(far, inbound);
            if (cancelEcho && canceller.DoubleTalk) doubleTalkFrames++;
            vad.ObservePlayback(far);
            var e = vad.Process(inbound, callerOverEcho: cancelEcho && canceller.DoubleTalk);
            if (cancelEcho && (canceller.SinceNewPath == 0 || canceller.EchoSuspected)) decision.EchoPathChanged(origin + at + frame);
            if (trace is not null)
                trace.WriteLine($"{at * 1000 / sampleRate,6} ms delay {canceller.DelayMs?.ToString("0") ?? "-",4} erle {canceller.ErleDb,5:0.0} nle {Math.Min(canceller.NoiseLimitedErleDb, 99),5:0.0} dt {canceller.DoubleTalk,-5} unres {canceller.EchoUnresolved,-5} sup {canceller.Suppressed,-5} leak {10 * Math.Log10(canceller.ResidualLeak + 1e-9),5:0.0} near {Db(canceller.LastNearPower),5:0.0} pred {Db(canceller.LastPredictedEchoPower),5:0.0} est {Db(canceller.LastEstimatePower),5:0.0} vad {e.Kind} speaking {vad.IsSpeaking} p {vad.SpeechProbability:0.00} lvl {vad.LevelDbfs:0.0} thr {vad.EchoThresholdDbfs?.ToString("0.0") ?? "-"} raw {rawDbfs:0.0} out {Audio.Pcm16.Dbfs(inbound):0.0} caller {Dbfs(callerOnly.AsSpan(at, frame)):0.0} dBFS");
            var now = origin + at + frame;
            if (e.Kind == VadEventKind.SpeechStarted) decision.SpeechStarted(now - (long)((e.DetectedAt - e.Timestamp).TotalSeconds * sampleRate));
            else if (e.Kind == VadEventKind.SpeechEnded) decision.SpeechEnded();
            if (!decision.Frame(now, vad.IsSpeaking && vad.SpeechProbability >= 0.5f, agentSpeaking: at < replyEnd, echoUnresolved: cancelEcho && canceller.EchoUnresolved)) continue;
            if (callerOnset < 0 || at + frame < callerOnset) return new EchoCellOutcome(FalseBargeIn: true, null, doubleTalkFrames);
            return new EchoCellOutcome(false, (at + frame - callerOnset) * 1000.0 / sampleRate, doubleTalkFrames);
        }
        return new EchoCellOutcome(false, null, doubleTalkFrames);
    }

    private static double Db(float power) => power <= 0 ? -96 : 10 * Math.Log10(power / (32768.0 * 32768.0));

    private static double Dbfs(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var s in samples) sum += (double)s * s;
        return sum <= 0 ? -96 : 10 * Math.Log10(sum / samples.Length / (32768.0 * 32768.0));
    }

    private static void AddEcho(float[] near, short[] played, int sampleRate, EchoCell cell)
    {
        var from = cell.MidReply ? EchoAppearsMs * sampleRate / 1000 : 0;
        var change = cell.ChangingPath ? PathChangesMs * sampleRate / 1000 : int.MaxValue;
        // A telephone echo path: bulk delay, a little dispersion (two extra taps), and gain.
        for (var n = from; n < near.Length; n++)
        {
            var moved = n >= change;
            var delay = (cell.DelayMs + (moved ? PathChangeDelayMs : 0)) * sampleRate / 1000;
            var gain = Math.Pow(10, (cell.GainDb + (moved ? PathChangeGainDb : 0)) / 20);
            var src = n - delay;
            if (src < 0) continue;
            double echo = played[src];
            if (src >= 3) echo = 0.7 * played[src] + 0.25 * played[src - 2] - 0.1 * played[src - 3];
            near[n] += (float)(echo * gain);
        }
    }
}
