using VoiceAgent.Speech.Audio;
using VoiceAgent.Speech.Vad;

namespace VoiceAgent.Tests.Speech.Vad;

/// <summary>Feeds whole test signals through a <see cref="VoiceActivityDetector"/> 20 ms at a time, as a call would.</summary>
internal static class VadHarness
{
    /// <summary>
    /// Runs PCM16 <paramref name="inbound"/> through a new detector. When <paramref name="played"/> is given, frame i of it
    /// is reported with <see cref="VoiceActivityDetector.ObservePlayback"/> just before inbound frame i (real-time pacing).
    /// </summary>
    public static (List<VadEvent> Events, VoiceActivityDetector Detector) Run(short[] inbound, int sampleRate, short[]? played = null, VadOptions? options = null)
    {
        var detector = new VoiceActivityDetector(options ?? new VadOptions(), sampleRate);
        int n = detector.FrameSamples;
        var events = new List<VadEvent>();
        for (int f = 0; (f + 1) * n <= inbound.Length; f++)
        {
            if (played is not null && (f + 1) * n <= played.Length)
            {
                detector.ObservePlayback(played.AsSpan(f * n, n));
            }

            VadEvent e = detector.Process(inbound.AsSpan(f * n, n));
            if (e.HasValue)
            {
                events.Add(e);
            }
        }

        return (events, detector);
    }

    /// <summary>
    /// Like <see cref="Run"/>, but with the scheduling jitter of a live call: when playback frame t is reported, the
    /// inbound side has only processed frames up to t − <paramref name="inboundLagAt"/>(t) (inbound frames are read late,
    /// then in a burst), so the inbound frame count the detector sees at a send moves by a few frames against the true
    /// playout. The audio itself is unchanged: inbound frame i still holds what the line carried at time i. Frames of
    /// <paramref name="played"/> that are digital silence are pauses in the reply and are not sent at all, so the
    /// carrier's queue empties and the next sentence starts playing when it is sent, wherever the inbound count is then.
    /// </summary>
    public static (List<VadEvent> Events, VoiceActivityDetector Detector) RunWithInboundLag(short[] inbound, int sampleRate, short[] played, Func<int, int> inboundLagAt, VadOptions? options = null)
    {
        var detector = new VoiceActivityDetector(options ?? new VadOptions(), sampleRate);
        int n = detector.FrameSamples;
        int inboundFrames = inbound.Length / n;
        int playedFrames = played.Length / n;
        var events = new List<VadEvent>();
        int processed = 0;
        void ProcessUpTo(int end)
        {
            for (; processed < Math.Min(end, inboundFrames); processed++)
            {
                VadEvent e = detector.Process(inbound.AsSpan(processed * n, n));
                if (e.HasValue)
                {
                    events.Add(e);
                }
            }
        }

        for (int t = 0; t < playedFrames; t++)
        {
            ProcessUpTo(t - inboundLagAt(t));
            if (played.AsSpan(t * n, n).ContainsAnyExcept((short)0))
            {
                detector.ObservePlayback(played.AsSpan(t * n, n));
            }
        }

        ProcessUpTo(inboundFrames);
        return (events, detector);
    }

    /// <summary>Runs Twilio-style μ-law bytes (160 per frame) through a new 8 kHz detector, decoding each frame.</summary>
    public static List<VadEvent> RunMuLaw(byte[] inbound, VadOptions? options = null)
    {
        var detector = new VoiceActivityDetector(options ?? new VadOptions(), 8000);
        var assembler = AudioFrameAssembler.ForMuLaw8k();
        var events = new List<VadEvent>();
        ReadOnlySpan<byte> rest = inbound;
        while (assembler.TryTakeFrame(ref rest, out ReadOnlySpan<byte> frame))
        {
            VadEvent e = detector.ProcessMuLaw(frame);
            if (e.HasValue)
            {
                events.Add(e);
            }
        }

        return events;
    }

    /// <summary>Runs Vonage-style PCM16 little-endian bytes (640 per frame at 16 kHz) through a new 16 kHz detector.</summary>
    public static List<VadEvent> RunPcm16k(byte[] inbound, VadOptions? options = null)
    {
        var detector = new VoiceActivityDetector(options ?? new VadOptions(), 16000);
        var assembler = AudioFrameAssembler.ForPcm16(16000);
        var events = new List<VadEvent>();
        ReadOnlySpan<byte> rest = inbound;
        while (assembler.TryTakeFrame(ref rest, out ReadOnlySpan<byte> frame))
        {
            VadEvent e = detector.ProcessPcm16(frame);
            if (e.HasValue)
            {
                events.Add(e);
            }
        }

        return events;
    }

    /// <summary>A readable list of events for assertion messages.</summary>
    public static string Describe(IEnumerable<VadEvent> events)
        => "[" + string.Join(", ", events.Select(e => $"{e.Kind}@{e.Timestamp.TotalMilliseconds:F0}ms (detected {e.DetectedAt.TotalMilliseconds:F0}ms)")) + "]";
}
