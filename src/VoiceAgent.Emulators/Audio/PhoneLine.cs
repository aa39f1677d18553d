using System.Collections.Immutable;
using System.Diagnostics;

namespace VoiceAgent.Emulators.Audio;

/// <summary>
/// The real-time heart of an emulated phone call, shared by the Twilio and Vonage callers. Every 20 ms on a
/// drift-free clock it (1) plays one frame of the server's queued audio, recording what was heard and
/// releasing markers whose audio has finished, and (2) sends one frame of caller audio: the next queued
/// utterance, else silence (when configured), with the optional simulated echo of earlier playout mixed in.
/// </summary>
/// <remarks>
/// Playout advances on the line clock: frame <c>n</c> plays during <c>[deadline(n), deadline(n) + 20 ms)</c>,
/// so a marker queued behind audio is released on the first tick at or after the moment that audio finished,
/// i.e. never early and at most one tick late (exactly on time when the server sends whole frames).
/// A marker that arrives when nothing is playing is released immediately.
/// <para>The playout buffer sits behind a lock rather than a channel: the receive loop must empty it the moment
/// a clear arrives (a channel drained by the line loop would add up to a tick), and markers released by either
/// loop must reach the protocol in queue order. Critical sections are a few copies, never an await.</para>
/// </remarks>
internal sealed class PhoneLine<TMarker>
{
    private readonly Lock _gate = new();
    private readonly PlayoutBuffer<TMarker> _playout = new();
    private readonly List<TMarker> _passedMarkers = [];
    private readonly InboundAudioQueue _inbound;
    private readonly EchoPath? _echo;
    private readonly bool _sendSilenceWhenIdle;
    private readonly IPhoneLineSink<TMarker> _sink;
    private readonly FrameClock _clock;
    private readonly long _ticksPerFrame;
    private long _playedUntil; // Stopwatch timestamp at which the audio taken so far finishes playing
    private ImmutableList<HeardAudioChunk> _heard = [];
    private long _heardBytes;

    public PhoneLine(LineFormat format, bool sendSilenceWhenIdle, EchoSimulation? echo, long startTimestamp, IPhoneLineSink<TMarker> sink)
    {
        Format = format;
        StartTimestamp = startTimestamp;
        _sendSilenceWhenIdle = sendSilenceWhenIdle;
        _sink = sink;
        _inbound = new InboundAudioQueue(format);
        _echo = echo is null ? null : new EchoPath(echo, format.SampleRate, format.SamplesPerFrame);
        _clock = new FrameClock(startTimestamp, LineFormat.FrameDuration);
        _ticksPerFrame = _clock.DeadlineOf(1) - _clock.DeadlineOf(0);
        _playedUntil = startTimestamp;
    }

    public LineFormat Format { get; }

    /// <summary>Stopwatch timestamp of the call start: time zero of every recorded offset.</summary>
    public long StartTimestamp { get; }

    /// <summary>Time since the call started.</summary>
    public TimeSpan Now => Stopwatch.GetElapsedTime(StartTimestamp);

    public IReadOnlyList<HeardAudioChunk> Heard => Volatile.Read(ref _heard);

    public long HeardBytes => Interlocked.Read(ref _heardBytes);

    public long BufferedBytes
    {
        get { lock (_gate) return _playout.BufferedBytes; }
    }

    /// <summary>Queues caller audio (wire format); completes once its last frame has been sent.</summary>
    public Task PlayAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken) => _inbound.EnqueueAsync(audio, cancellationToken);

    /// <summary>Queues server audio for playout.</summary>
    public void EnqueueAudio(ReadOnlyMemory<byte> audio)
    {
        lock (_gate) _playout.EnqueueAudio(audio);
    }

    /// <summary>Queues a marker behind the audio queued so far; released at once if nothing is left to play.</summary>
    public void EnqueueMarker(TMarker marker)
    {
        lock (_gate)
        {
            _playout.EnqueueMarker(marker);
            var now = Stopwatch.GetTimestamp();
            if (now >= _playedUntil) ReleaseDueMarkers(Stopwatch.GetElapsedTime(StartTimestamp, now));
        }
    }

    /// <summary>
    /// Empties the playout buffer now. The frame already playing is not cut, so markers whose audio has all
    /// been taken are released as played. Markers behind discarded audio are released
    /// (<paramref name="releaseMarkers"/>) as due to the clear, or dropped; either way they are returned, in
    /// order, with the bytes discarded.
    /// </summary>
    public (long DiscardedBytes, IReadOnlyList<TMarker> Markers) Clear(bool releaseMarkers)
    {
        lock (_gate)
        {
            ReleaseDueMarkers(Now);
            var markers = new List<TMarker>();
            var discarded = _playout.Clear(markers);
            if (releaseMarkers)
            {
                var at = Now;
                foreach (var marker in markers) _sink.MarkerReached(marker, at, dueToClear: true);
            }
            return (discarded, markers);
        }
    }

    /// <summary>Runs the line until <paramref name="cancellationToken"/> is cancelled; then refuses further caller audio.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var played = new byte[Format.BytesPerFrame];
        var playedSamples = new short[Format.SamplesPerFrame];
        var echoSamples = new short[Format.SamplesPerFrame];
        try
        {
            for (long frame = 0; !cancellationToken.IsCancellationRequested; frame++)
            {
                await _clock.WaitForFrameAsync(frame, cancellationToken);
                var taken = PlayFrame(frame, played);

                var echoAudible = false;
                if (_echo is not null)
                {
                    Array.Clear(playedSamples);
                    Format.Decode(played.AsSpan(0, taken), playedSamples);
                    echoAudible = _echo.Advance(playedSamples, echoSamples);
                }

                var callerFrame = _inbound.NextFrame(out var finished);
                if (callerFrame is null)
                {
                    if (!_sendSilenceWhenIdle && !echoAudible) continue;
                    callerFrame = Format.SilentFrame();
                }
                if (echoAudible) MixInto(callerFrame, echoSamples);
                _sink.SendCallerFrame(callerFrame, frame, finished);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _inbound.Close();
        }
    }

    private int PlayFrame(long frame, byte[] destination)
    {
        var frameStart = _clock.DeadlineOf(frame);
        int taken;
        lock (_gate)
        {
            var at = Now;
            // Everything taken on earlier ticks has finished playing by the start of this frame.
            if (frameStart >= _playedUntil) ReleaseDueMarkers(at);
            taken = _playout.Take(destination, _passedMarkers);
            if (taken == 0) return 0;
            _playedUntil = frameStart + _ticksPerFrame * taken / Format.BytesPerFrame;
            // Heard at the tick's place in stream time: a line loop that woke late (a loaded machine) catches up, but the
            // audio still plays at 20 ms per frame on the phone.
            var playedAt = Stopwatch.GetElapsedTime(StartTimestamp, frameStart);
            ImmutableInterlocked.Update(ref _heard, static (list, chunk) => list.Add(chunk), new HeardAudioChunk(playedAt, destination.AsSpan(0, taken).ToArray()));
            Interlocked.Add(ref _heardBytes, taken);
        }
        _sink.Changed();
        return taken;
    }

    // Caller holds _gate.
    private void ReleaseDueMarkers(TimeSpan at)
    {
        foreach (var marker in _passedMarkers) _sink.MarkerReached(marker, at, dueToClear: false);
        _passedMarkers.Clear();
        while (_playout.TryDequeueLeadingMarker(out var marker)) _sink.MarkerReached(marker, at, dueToClear: false);
    }

    private void MixInto(byte[] frame, ReadOnlySpan<short> echo)
    {
        Span<short> samples = stackalloc short[Format.SamplesPerFrame];
        Format.Decode(frame, samples);
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)Math.Clamp(samples[i] + echo[i], short.MinValue, short.MaxValue);
        Format.Encode(samples, frame);
    }
}
