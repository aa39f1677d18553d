using System.Diagnostics;
using System.Globalization;
using VoiceAgent.Emulators.Twilio;

namespace VoiceAgent.Cli.Softphone;

/// <summary>Prints the agent's tokens as they arrive and, per turn, the latency of each hop the caller can see.</summary>
internal sealed class ReplyPrinter(TextWriter output)
{
    private long _sentAt;
    private long _firstAt;
    private int _tokens;
    private bool _interrupted;
    private TaskCompletionSource _replyDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the current reply closed (or the call ended).</summary>
    public Task ReplyDone => _replyDone.Task;

    public void MarkSent(long sentAt)
    {
        _sentAt = sentAt;
        _firstAt = 0;
        _tokens = 0;
        _interrupted = false;
        _replyDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void MarkInterrupted() => _interrupted = true;

    public async Task PumpAsync(ConversationRelayCaller caller, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var frame = await caller.ReadFrameAsync(cancellationToken);
                switch (frame.Type)
                {
                    case "text":
                        if (_tokens++ == 0) { _firstAt = frame.ReceivedAt; await output.WriteAsync("agent> "); }
                        await output.WriteAsync(frame.Token);
                        if (frame.Last)
                        {
                            await output.WriteLineAsync(LatencyLine(frame.ReceivedAt));
                            _replyDone.TrySetResult();
                        }
                        break;
                    case "end":
                        await output.WriteLineAsync($"[agent ended the session; handoffData: {frame.HandoffData ?? "none"}]");
                        _replyDone.TrySetResult();
                        break;
                    default:
                        await output.WriteLineAsync($"\n[{frame.Type}] {frame.Json}");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
        }
        finally
        {
            _replyDone.TrySetResult();
        }
    }

    private string LatencyLine(long lastAt)
    {
        if (_sentAt == 0) return "";
        var first = Stopwatch.GetElapsedTime(_sentAt, _firstAt).TotalMilliseconds;
        var last = Stopwatch.GetElapsedTime(_sentAt, lastAt).TotalMilliseconds;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"\n   latency: prompt→first token {first:F0} ms · first→last token {last - first:F0} ms · prompt→last {last:F0} ms · {_tokens} frames{(_interrupted ? " · interrupted" : "")}");
        _tokens = 0;
        _sentAt = 0;
        return line;
    }
}
