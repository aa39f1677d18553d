using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;

namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// Sends a call's outbound audio to the carrier at real-time pace, with the marks between the frames: a frame goes
/// out once the audio already sent is less than the playout lead ahead of the carrier's playhead, so <c>clear</c> has
/// little to drop and marks track playback closely. Deadlines come from the clock, not from summed delays, so pacing
/// does not drift; how late each wake-up was (our own scheduling delay) is recorded.
/// </summary>
/// <remarks>
/// One writer queues (the pipeline's loop), one reader sends (<see cref="RunAsync"/>). <see cref="Clear"/> drops
/// everything queued before it except keypad tones, which are for the far end. After each frame has been handed to
/// the carrier's socket, <c>sent</c> is told, so the echo guard and the reply's timeline see when audio left.
/// </remarks>
internal sealed partial class Playout(
    IAudioTransport carrier,
    TimeSpan lead,
    TimeProvider clock,
    VoiceAgentMetrics metrics,
    string transportName,
    Func<PlayoutItem, CancellationToken, ValueTask> sent,
    ILogger logger,
    string callId)
{
    /// <summary>Playout items with this reply id are keypad tones: never cut by a clear, never counted as a reply.</summary>
    public const int ToneReplyId = int.MinValue;

    private readonly Channel<PlayoutItem> _queue = Channel.CreateUnbounded<PlayoutItem>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private int _generation; // written by the queueing side only (Clear); read by the sender

    /// <summary>The current clear-generation: items queued before the last <see cref="Clear"/> carry an older one.</summary>
    public int Generation => Volatile.Read(ref _generation);

    public void EnqueueFrame(byte[] frame, int replyId) => _queue.Writer.TryWrite(new PlayoutItem(Generation, frame, null, replyId));

    public void EnqueueMark(string mark, int replyId) => _queue.Writer.TryWrite(new PlayoutItem(Generation, null, mark, replyId));

    public void EnqueueTone(byte[] frame) => _queue.Writer.TryWrite(new PlayoutItem(Generation, frame, null, ToneReplyId));

    /// <summary>Nothing queued so far is sent (keypad tones excepted); the carrier is told separately.</summary>
    public void Clear() => Interlocked.Increment(ref _generation);

    /// <summary>No more audio: <see cref="RunAsync"/> ends once the queue is empty.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    private bool Stale(PlayoutItem item) => item.Generation != Generation && !item.IsTone;

    /// <summary>Sends until <see cref="Complete"/> or cancellation; ends quietly if the carrier's socket is gone.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var frameTicks = clock.TimestampFrequency / 50;
        var leadTicks = (long)(lead.TotalSeconds * clock.TimestampFrequency);
        long playhead = 0; // when the carrier will have played everything sent so far
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(cancellationToken))
            {
                if (Stale(item)) continue;
                if (item.Mark is not null)
                {
                    await carrier.SendMarkAsync(item.Mark, cancellationToken);
                    continue;
                }
                var now = clock.GetTimestamp();
                var sendAt = playhead - leadTicks;
                if (sendAt > now)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)(sendAt - now) / clock.TimestampFrequency), clock, cancellationToken);
                    now = clock.GetTimestamp();
                    if (metrics.PlayoutLatenessEnabled)
                        metrics.RecordPlayoutLateness((double)(now - sendAt) / clock.TimestampFrequency * 1000, transportName);
                }
                if (Stale(item)) continue; // cleared while waiting
                await carrier.SendAudioAsync(item.Frame, cancellationToken);
                playhead = Math.Max(playhead, now) + frameTicks;
                await sent(item, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogPlayoutEnded(logger, callId, "the call ended"); // whatever is still queued will never play
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException)
        {
            LogPlayoutStopped(logger, callId, ex.GetType().Name); // the carrier's socket is gone; its receive loop ends the call
        }
    }

    [LoggerMessage(EventId = 5017, Level = LogLevel.Information, Message = "Call {CallId}: playout stopped, the carrier socket is gone ({ExceptionType})")]
    private static partial void LogPlayoutStopped(ILogger logger, string callId, string exceptionType);

    [LoggerMessage(EventId = 5041, Level = LogLevel.Debug, Message = "Call {CallId}: playout ended ({Reason})")]
    private static partial void LogPlayoutEnded(ILogger logger, string callId, string reason);
}
