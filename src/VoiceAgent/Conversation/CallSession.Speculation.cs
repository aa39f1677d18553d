using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;

namespace VoiceAgent.Conversation;

/// <summary>
/// Speculative replies (audio path): on a <see cref="SpeculativeUtterance"/> the model is asked at once, as if the
/// caller's turn had ended, and its reply is held by the transport (<see cref="ReplyHold"/>). A <see cref="UserSaid"/>
/// with the same words confirms it: the held reply becomes the turn's reply and is released (spoken). Anything else —
/// other words, <see cref="SpeculationWithdrawn"/>, a key press, barge-in, the call ending — discards it: the request
/// is cancelled (aborted at the provider), the held reply dropped, and nothing of it reaches history or transcript.
/// Its tool calls wait for the confirmation (<see cref="TurnRunner.RunAsync"/>), so a discarded turn does nothing.
/// </summary>
internal sealed partial class CallSession
{
    private Speculation? _speculation;

    private sealed class Speculation(string text, ReplyHandle reply)
    {
        public string Text { get; } = text;
        public ReplyHandle Reply { get; } = reply;
        public TaskCompletionSource Confirmed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>The runner finished before the turn was confirmed: recorded when it is.</summary>
        public TurnFinished? Finished { get; set; }
    }

    /// <summary>Only a call at rest speculates: no reply in flight, no exchange the engine runs itself, not ending.</summary>
    private bool CanSpeculate => _current is null && !_handingOff && !_closing && _consent != ConsentState.Pending
        && _capture is null && _choice is null && _pendingInteraction is null;

    /// <summary>
    /// Runs before every event: starts or withdraws a speculation, and discards one that the event makes stale.
    /// True when the event was a speculation event (fully handled here).
    /// </summary>
    private async ValueTask<bool> SpeculationFirstAsync(ConversationEvent e, CancellationToken ct)
    {
        switch (e)
        {
            case SpeculativeUtterance said:
                await DiscardSpeculationAsync(ct);
                await StartSpeculationAsync(said, ct);
                return true;
            case SpeculationWithdrawn:
                await DiscardSpeculationAsync(ct);
                return true;
            case UserSaid or TurnFinished or TransportError:
                return false; // a UserSaid confirms or replaces it (OnUserSaidAsync); the others leave it be
            default:
                await DiscardSpeculationAsync(ct);
                return false;
        }
    }

    private async ValueTask StartSpeculationAsync(SpeculativeUtterance said, CancellationToken ct)
    {
        var text = said.Text.Trim();
        if (text.Length == 0 || !CanSpeculate) return;
        var id = ++_nextReplyId;
        var timeline = new TurnTimeline(_deps.Clock, CallId, id, _deps.Monitor);
        timeline.Mark(TurnHop.SocketReceived, said.ReceivedAt);
        var reply = new ReplyHandle(id, timeline);
        var messages = BuildModelRequest();
        ConversationHistory.AppendUser(messages, text);
        var speculation = new Speculation(text, reply);
        _speculation = speculation;
        await _transport.SendAsync(new ReplyHold(id, ReplyHoldStep.Hold), ct); // before the runner's first token
        reply.Completion = RunReplyAsync(reply, messages, _callToken, speculation.Confirmed.Task);
        _deps.Metrics.RecordSpeculation(VoiceAgentMetrics.SpeculationStarted, _transportName);
        LogSpeculationStarted(_logger, CallId, id, text.Length);
    }

    /// <summary>The speculation this confirmed utterance adopts (same words), or null; a speculation on other words is left to be discarded.</summary>
    private Speculation? TakeSpeculation(string text)
    {
        if (_speculation is not { } speculation || !SpokenWords.Same(speculation.Text, text)) return null;
        _speculation = null;
        return speculation;
    }

    /// <summary>The turn is confirmed with the speculated words: the held reply becomes the current one and is spoken.</summary>
    private async ValueTask<TurnTimeline> AdoptSpeculationAsync(Speculation speculation, CancellationToken ct)
    {
        var reply = speculation.Reply;
        _telemetry.TurnStarted(reply.Timeline);
        _current = reply;
        await _transport.SendAsync(new ReplyHold(reply.Id, ReplyHoldStep.Release), ct);
        speculation.Confirmed.TrySetResult();
        _deps.Metrics.RecordSpeculation(VoiceAgentMetrics.SpeculationUsed, _transportName);
        LogSpeculationUsed(_logger, CallId, reply.Id);
        if (speculation.Finished is { } finished) OnTurnFinished(finished);
        return reply.Timeline;
    }

    /// <summary>Cancels the held reply's request and tells the transport to drop what it holds; nothing is recorded.</summary>
    private async ValueTask DiscardSpeculationAsync(CancellationToken ct)
    {
        if (_speculation is not { } speculation) return;
        _speculation = null;
        await DropSpeculationAsync(speculation, ct);
    }

    private async ValueTask DropSpeculationAsync(Speculation speculation, CancellationToken ct)
    {
        var reply = speculation.Reply;
        await reply.Cancellation.CancelAsync();
        await reply.Completion; // never throws: the runner turns cancellation into an outcome
        reply.Dispose();
        await _transport.SendAsync(new ReplyHold(reply.Id, ReplyHoldStep.Drop), ct);
        _deps.Metrics.RecordSpeculation(VoiceAgentMetrics.SpeculationDiscarded, _transportName);
        LogSpeculationDiscarded(_logger, CallId, reply.Id);
    }

    /// <summary>The call is over: a speculation still open is cancelled (its request aborted); the transport is gone.</summary>
    private async ValueTask AbandonSpeculationAsync()
    {
        if (_speculation is not { } speculation) return;
        _speculation = null;
        await speculation.Reply.Cancellation.CancelAsync();
        await speculation.Reply.Completion;
        speculation.Reply.Dispose();
    }

    [LoggerMessage(EventId = EventIds.SpeculationStarted, Level = LogLevel.Debug, Message = "Call {CallId} reply {ReplyId}: model started speculatively on {Chars} characters before the end of the turn")]
    private static partial void LogSpeculationStarted(ILogger logger, string callId, int replyId, int chars);

    [LoggerMessage(EventId = EventIds.SpeculationUsed, Level = LogLevel.Debug, Message = "Call {CallId} reply {ReplyId}: the turn was confirmed with the same words; the speculative reply is spoken")]
    private static partial void LogSpeculationUsed(ILogger logger, string callId, int replyId);

    [LoggerMessage(EventId = EventIds.SpeculationDiscarded, Level = LogLevel.Debug, Message = "Call {CallId} reply {ReplyId}: speculative reply discarded (the caller went on, or the turn changed)")]
    private static partial void LogSpeculationDiscarded(ILogger logger, string callId, int replyId);
}
