using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;
using System.Runtime.CompilerServices;

namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// Sends a call's outbound audio to the carrier at real-time pace, with the marks between the frames. The first frames
/// of a reply go out as fast as they come until the carrier holds <c>lead</c> of audio ahead of its playhead; from then
/// on a frame goes out when the process's one <see cref="PlayoutScheduler"/> says it is due, so the carrier's buffer
/// stays about <c>lead</c> deep and a scheduling hiccup shorter than that is never heard. A deep lead is safe because
/// <c>clear</c> empties the carrier's buffer at once and what the caller heard comes from the echoed marks, not from
/// what was sent. Deadlines come from the clock, not from summed delays, so pacing does not drift. A frame whose send
/// time falls before the next tick leaves on this tick (up to one tick early, never a tick late): a reply that started
/// between two ticks has no per-call offset against the shared clock, and the carrier holds between <c>lead</c> and
/// <c>lead</c> + 20 ms. How late each paced frame left against the tick it was due at (the tick's own lateness plus our
/// dispatch, near zero when the process keeps up) is recorded.
/// </summary>
/// <remarks>
/// One writer queues (the pipeline's loop), one reader sends (<see cref="RunAsync"/>), woken by a queued item, a clear or
/// a scheduler tick through a one-slot signal; it never has a timer of its own. While it is writing it has no due
/// time, so the scheduler passes it by. <see cref="Clear"/> drops everything queued before it except keypad tones,
/// which are for the far end, and starts the next audio with a fresh burst (the carrier's buffer is empty). After each
/// frame has been handed to the carrier's socket, <c>sent</c> is told, so the echo guard and the reply's timeline see
/// when audio left.
/// <para>The queue is bounded: it holds at most <see cref="MaxQueuedFrames"/> frames not yet sent (the lead plus
/// <see cref="QueueHeadroom"/>). Queueing never blocks (the pipeline's loop must keep reading the caller); instead the
/// reply's TTS reader waits in <see cref="WaitForRoomAsync"/> before it reads the next chunk, so while the carrier is
/// not draining the TTS socket stops being read and the provider is backpressured, and a call's buffered audio stays
/// a second or two whatever the reply's length.</para>
/// </remarks>
internal sealed partial class Playout(
    IAudioTransport carrier,
    TimeSpan lead,
    TimeProvider clock,
    PlayoutScheduler scheduler,
    VoiceAgentMetrics metrics,
    string transportName,
    Func<PlayoutItem, CancellationToken, ValueTask> sent,
    ILogger logger,
    string callId)
{
    /// <summary>Playout items with this reply id are keypad tones: never cut by a clear, never counted as a reply.</summary>
    public const int ToneReplyId = int.MinValue;

    private const long NotWaiting = long.MaxValue;

    /// <summary>
    /// Audio the queue holds beyond the lead before the TTS reader waits: enough that a chunk arriving late never lets
    /// the carrier run dry (ElevenLabs sends a chunk per few words), small enough that a stuck carrier holds little.
    /// </summary>
    public static readonly TimeSpan QueueHeadroom = TimeSpan.FromSeconds(1);

    private readonly Channel<PlayoutItem> _queue = Channel.CreateUnbounded<PlayoutItem>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly long _frameTicks = clock.TimestampFrequency / 50;
    private readonly long _leadTicks = (long)(lead.TotalSeconds * clock.TimestampFrequency);
    private readonly Channel<bool> _room = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private int _queuedFrames; // frames queued and not yet taken by the sender (sent or dropped)
    private int _chunksInFlight; // TTS chunks posted to the pipeline's loop and not yet handled by it (so not yet counted above)
    private volatile bool _ended;
    private int _generation; // written by the queueing side only (Clear); read by the sender
    private long _dueAt = NotWaiting; // when the frame at the head of the queue may go; NotWaiting while writing or idle

    // Owned by the sending loop.
    private long _playhead; // when the carrier will have played everything sent so far
    private int _pacedGeneration;
    private long _parkedFor = NotWaiting; // the due time the loop last waited for (lateness is measured against it)

    /// <summary>The current clear-generation: items queued before the last <see cref="Clear"/> carry an older one.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>When the next frame is due (clock timestamp), or <see cref="long.MaxValue"/> when nothing waits for a tick.</summary>
    internal long DueAt => Volatile.Read(ref _dueAt);

    /// <summary>How many frames the queue may hold before <see cref="WaitForRoomAsync"/> waits: the lead plus <see cref="QueueHeadroom"/>.</summary>
    public int MaxQueuedFrames { get; } = (int)Math.Ceiling((lead + QueueHeadroom).TotalMilliseconds / 20);

    /// <summary>Frames queued and not yet sent (or dropped by a clear).</summary>
    public int QueuedFrames => Volatile.Read(ref _queuedFrames);

    /// <summary>A TTS chunk was posted to the pipeline's loop: until it is handled (<see cref="ChunkHandled"/>), there is no room.</summary>
    public void ChunkPosted() => Interlocked.Increment(ref _chunksInFlight);

    /// <summary>The pipeline's loop handled a posted TTS chunk (queued it, held it or dropped it).</summary>
    public void ChunkHandled()
    {
        if (Interlocked.Decrement(ref _chunksInFlight) <= 0) _room.Writer.TryWrite(true);
    }

    /// <summary>
    /// Waits until every posted chunk was handled and the queue holds fewer than <see cref="MaxQueuedFrames"/> frames,
    /// so the queue never holds more than the bound plus one chunk; returns at once once playout has ended (nothing
    /// more is queued then). Called by a reply's TTS reader before it reads the next chunk.
    /// </summary>
    public async ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _chunksInFlight) > 0 || Volatile.Read(ref _queuedFrames) >= MaxQueuedFrames)
        {
            if (!await _room.Reader.WaitToReadAsync(cancellationToken)) return; // playout ended
            _room.Reader.TryRead(out _);
        }
        _room.Writer.TryWrite(true); // pass the wake-up on: another voice (a held reply) may be waiting too
    }

    public void EnqueueFrame(byte[] frame, int replyId) => Enqueue(new PlayoutItem(Generation, frame, null, replyId));

    public void EnqueueMark(string mark, int replyId) => Enqueue(new PlayoutItem(Generation, null, mark, replyId));

    public void EnqueueTone(byte[] frame) => Enqueue(new PlayoutItem(Generation, frame, null, ToneReplyId));

    private void Enqueue(PlayoutItem item)
    {
        if (_ended) return; // the carrier is gone or the call ended: nothing would take it off the queue
        if (item.Frame is not null) metrics.RecordPlayoutQueued(Interlocked.Increment(ref _queuedFrames), transportName);
        _queue.Writer.TryWrite(item);
        _wake.Writer.TryWrite(true); // a frame within the lead goes at once, not on the next tick
    }

    /// <summary>Nothing queued so far is sent (keypad tones excepted); the carrier is told separately.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _wake.Writer.TryWrite(true);
    }

    /// <summary>No more audio: <see cref="RunAsync"/> ends once the queue is empty.</summary>
    public void Complete()
    {
        _queue.Writer.TryComplete();
        _wake.Writer.TryWrite(true);
    }

    /// <summary>A scheduler tick at <paramref name="now"/>: wakes the loop if its next frame is due. Never blocks.</summary>
    internal void OnTick(long now)
    {
        if (now >= Volatile.Read(ref _dueAt)) _wake.Writer.TryWrite(true);
    }

    private bool Stale(PlayoutItem item) => item.Generation != Generation && !item.IsTone;

    /// <summary>Sends until <see cref="Complete"/> or cancellation; ends quietly if the carrier's socket is gone.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        scheduler.Register(this);
        // Cancellation completes the signal, so the wait below needs no token (and allocates nothing per wake-up).
        using var stop = cancellationToken.UnsafeRegister(static s => ((Channel<bool>)s!).Writer.TryComplete(), _wake);
        try
        {
            while (await SendDueAsync(cancellationToken))
            {
                if (!await _wake.Reader.WaitToReadAsync(CancellationToken.None)) break; // cancelled
                _wake.Reader.TryRead(out _);
                Volatile.Write(ref _dueAt, NotWaiting);
            }
            if (cancellationToken.IsCancellationRequested) LogPlayoutEnded(logger, callId, "the call ended"); // whatever is still queued will never play
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogPlayoutEnded(logger, callId, "the call ended");
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException)
        {
            LogPlayoutStopped(logger, callId, ex.GetType().Name); // the carrier's socket is gone; its receive loop ends the call
        }
        finally
        {
            Volatile.Write(ref _dueAt, NotWaiting);
            scheduler.Unregister(this);
            _ended = true;
            while (_queue.Reader.TryRead(out var left)) Taken(left); // what will never play is not kept
            _room.Writer.TryComplete();
        }
    }

    /// <summary>Sends every item that may go now. False once the queue is completed and empty (or the call ended).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))] // per wake-up (a frame or more): its state machine is reused
    private async ValueTask<bool> SendDueAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && _queue.Reader.TryPeek(out var item))
        {
            if (Stale(item))
            {
                _queue.Reader.TryRead(out _);
                Taken(item);
                continue;
            }
            if (item.Mark is not null)
            {
                _queue.Reader.TryRead(out _);
                await carrier.SendMarkAsync(item.Mark, cancellationToken);
                continue;
            }
            var now = clock.GetTimestamp();
            var generation = Generation;
            if (generation != _pacedGeneration)
            {
                _pacedGeneration = generation;
                _playhead = 0; // a clear emptied the carrier's buffer: the next audio starts a fresh burst
            }
            // The carrier's buffer falls to the lead at _playhead - lead; the last tick at or before that moment releases
            // the frame, so it is never a tick late and frames leave on the shared ticks whatever the reply's phase.
            var releaseAt = scheduler.SlotAtOrBefore(_playhead - _leadTicks);
            var waited = releaseAt == _parkedFor;
            if (releaseAt > now)
            {
                // Publish the due time, then look at the clock again: a tick that passed before the publication was
                // not seen by the scheduler, so it must be seen here (Interlocked: a full fence between the two).
                Interlocked.Exchange(ref _dueAt, releaseAt);
                now = clock.GetTimestamp();
                if (releaseAt > now)
                {
                    _parkedFor = releaseAt;
                    return true; // wait for the tick that makes it due
                }
                waited = true;
            }
            Volatile.Write(ref _dueAt, NotWaiting);
            _queue.Reader.TryRead(out _);
            Taken(item);
            if (waited && metrics.PlayoutLatenessEnabled)
                metrics.RecordPlayoutLateness(Math.Max(0, now - releaseAt) * 1000.0 / clock.TimestampFrequency, transportName);
            await carrier.SendAudioAsync(item.Frame, cancellationToken);
            // The carrier starts this frame when it has played what it holds, or now (when the write completed) if it ran dry.
            _playhead = Math.Max(_playhead, clock.GetTimestamp()) + _frameTicks;
            await sent(item, cancellationToken);
        }
        return !cancellationToken.IsCancellationRequested && !_queue.Reader.Completion.IsCompleted;
    }

    /// <summary>An item left the queue (to the carrier, or dropped): a frame frees room for the TTS reader.</summary>
    private void Taken(PlayoutItem item)
    {
        if (item.Frame is null) return;
        if (Interlocked.Decrement(ref _queuedFrames) < MaxQueuedFrames) _room.Writer.TryWrite(true);
    }

    [LoggerMessage(EventId = 5017, Level = LogLevel.Information, Message = "Call {CallId}: playout stopped, the carrier socket is gone ({ExceptionType})")]
    private static partial void LogPlayoutStopped(ILogger logger, string callId, string exceptionType);

    [LoggerMessage(EventId = 5041, Level = LogLevel.Debug, Message = "Call {CallId}: playout ended ({Reason})")]
    private static partial void LogPlayoutEnded(ILogger logger, string callId, string reason);
}
