using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Observability;
using VoiceAgent.Storage.Sessions;

namespace VoiceAgent.Conversation;

/// <summary>
/// All state of one call, changed by exactly one logical writer: the loop in <see cref="RunAsync"/> reading
/// the call's mailbox. Transports post events; barge-in, keypad digits and a new utterance arriving mid-reply
/// are handled in arrival order and never race. At most one reply is in flight, and it is cut and awaited
/// before anything else is said, so the transport also sees one writer.
/// </summary>
internal sealed partial class CallSession
{
    private readonly Channel<ConversationEvent> _mailbox = Channel.CreateBounded<ConversationEvent>(
        new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CallSessionDependencies _deps;
    private readonly ICallTransport _transport;
    private readonly string _transportName;
    private readonly ConversationHistory _history;
    private readonly TurnRunner _runner;
    private readonly ILogger _logger;
    private readonly TranscriptRecorder _transcript;
    private string? _endedReason;
    private ReplyHandle? _current;
    private string? _lastFullReply;
    private (string Full, string Heard)? _lastCut;
    private int _nextReplyId;
    private bool _handingOff;
    private readonly CallTelemetry _telemetry;
    private CancellationToken _callToken;

    public CallSession(CallSessionDependencies deps, ICallTransport transport, string transportName, string provisionalCallId, CallTelemetry telemetry)
    {
        _telemetry = telemetry;
        _deps = deps;
        transport = new HandoffWatchingTransport(new PacingTransport(transport, this), this);
        _transport = transport;
        _transportName = transportName;
        _history = new ConversationHistory(deps.Agent.HistoryTurns, deps.Controls?.History.Policy ?? History.HistoryPolicy.Rolling, deps.Agent.HistoryTextMaxChars);
        _logger = deps.LoggerFactory.CreateLogger<CallSession>();
        _runner = new TurnRunner(deps.Model, deps.ModelOptions, transport, deps.Agent, deps.Clock, _logger, telemetry.Usage, deps.Tools);
        _transcript = new TranscriptRecorder(deps.Clock, deps.Agent.HistoryTextMaxChars);
        CallId = provisionalCallId;
    }

    /// <summary>The carrier's call id once the call started; a provisional id before.</summary>
    public string CallId { get; private set; }

    /// <summary>Posts an event to this call's mailbox (waits only if 1024 events are queued).</summary>
    public ValueTask PostAsync(ConversationEvent @event, CancellationToken cancellationToken) => _mailbox.Writer.WriteAsync(@event, cancellationToken);

    /// <summary>No more events will come (the socket closed).</summary>
    public void CompleteInput() => _mailbox.Writer.TryComplete();

    /// <summary>Runs the call until it ends. Cancellation is the normal way a call is torn down.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _callToken = cancellationToken;
        try
        {
            await foreach (var @event in _mailbox.Reader.ReadAllAsync(cancellationToken))
            {
                var goOn = await HandleAsync(@event, cancellationToken);
                if (goOn) await AfterEventAsync(cancellationToken);
                PersistIfChanged();
                if (!goOn) break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (IOException ex)
        {
            // The carrier's socket is gone (closed, or aborted after it stopped reading): the call is over, not failed.
            LogCallEndedBy(_logger, CallId, "carrier socket gone: " + ex.Message);
        }
        finally
        {
            _mailbox.Writer.TryComplete();
            await AbandonSpeculationAsync();
            await CutCurrentReplyAsync(heard: null, closeTalkCycle: false, _deps.Clock.GetTimestamp(), CancellationToken.None);
            DisarmSilence();
            await StopChargeAsync();
            await AbandonCaptureAsync("the call ended", CancellationToken.None);
            var final = FinalStatus;
            var cost = _telemetry.Finish(_endedReason, Handoff.IsLiveAgent(_pendingHandoff), _turnCount);
            // A call left resumable (its socket was lost, or the instance is draining) is not over: its transcript travels
            // with its state, and whichever instance ends the call files the whole of it, once.
            if (_deps.Records is { } records && (final == SessionStatus.Ended || _deps.Sessions is null)
                && FinishRecord() is { } record) await records.SubmitAsync(record with { Cost = cost }, CancellationToken.None);
            await FinishRecordingAsync();
            if (Persist(final) is { Status: SessionStatus.Active } left && _deps.Records is not null) _deps.Unresumed?.Watch(left);
            _deps.Monitor?.CallEnded(CallId, cost);
            LogCallEnded(_logger, CallId);
        }
    }

    private async ValueTask<bool> HandleAsync(ConversationEvent @event, CancellationToken ct)
    {
        if (await SpeculationFirstAsync(@event, ct)) return true;
        if (await InterceptAsync(@event, ct) is { } intercepted) return intercepted;
        switch (@event)
        {
            case CallStarted started:
                await OnCallStartedAsync(started.Call, started.Lookup, ct);
                await BeginControlsAsync(started.Call, ct);
                return true;
            case UserSaid { IsFinal: false } partial:
                LogPartialPrompt(_logger, CallId, partial.Text.Length);
                return true;
            case UserSaid said:
                await OnUserSaidAsync(said, ct);
                return true;
            case UserInterrupted interrupted:
                await OnInterruptedAsync(interrupted, ct);
                return true;
            case FalseInterruption:
                await OnFalseInterruptionAsync(ct);
                return true;
            case DigitPressed digit:
                await OnDigitAsync(digit, ct);
                return true;
            case TransportError error:
                LogCarrierError(_logger, CallId, LogValues.MaskPhoneNumbers(error.Description));
                return true;
            case SpeechUnavailable lost:
                await OnSpeechUnavailableAsync(lost, ct);
                return true;
            case TurnFinished finished:
                OnTurnFinished(finished);
                return true;
            case CallTimeLimitReached:
                await OnTimeLimitAsync(ct);
                return false;
            case CallEnded ended:
                _endedReason = ended.Reason;
                _endedNormally = true;
                LogCallEndedBy(_logger, CallId, ended.Reason);
                return false;
            default:
                return true;
        }
    }

    private async ValueTask OnCallStartedAsync(CallInfo call, SessionLookup? lookedUp, CancellationToken ct)
    {
        CallId = call.CallSid;
        _transcript.Started(call);
        _telemetry.Started(call.CallSid);
        _deps.Monitor?.CallStarted(CallId, _transportName);
        var lookup = lookedUp ?? await LookUpAsync(call, ct);
        if (TryResume(call, lookup.Resumable))
        {
            LogCallStarted(_logger, CallId, _transportName, call.Parameters.Count);
            return;
        }
        // On an outbound call From is our own caller ID: it is never a caller ringing back.
        var previous = Telephony.Outbound.OutboundParameters.OpeningOf(call) is null ? lookup.Previous : null;
        if (previous is not null) LogCallbackOffered(_logger, CallId, previous.Turns.Count);
        _history.SetCallContext(RenderCallContext(call) + (previous is null ? "" : RenderPreviousCall(previous)));
        var greeting = previous is null ? Telephony.Outbound.OutboundParameters.OpeningOf(call) ?? _deps.Agent.WelcomeGreeting : _deps.Agent.CallbackGreeting;
        if (!string.IsNullOrWhiteSpace(greeting))
        {
            _history.AddAssistant(greeting, interrupted: false);
            _transcript.Agent(greeting);
            _lastFullReply = greeting;
        }
        LogCallStarted(_logger, CallId, _transportName, call.Parameters.Count);
    }

    private async ValueTask OnUserSaidAsync(UserSaid said, CancellationToken ct)
    {
        var text = said.Text.Trim();
        if (text.Length == 0)
        {
            await DiscardSpeculationAsync(ct);
            LogEmptyUtterance(_logger, CallId);
            return;
        }
        // A new utterance while a reply streams: the newest input wins, the cut reply is recorded as heard.
        var speculated = TakeSpeculation(text);
        await DiscardSpeculationAsync(ct); // one on other words: the caller went on
        await CutCurrentReplyAsync(heard: null, closeTalkCycle: true, said.ReceivedAt, ct);
        _lastCut = null;
        _history.AddUser(text);
        _transcript.Caller(text);
        _turnCount++;
        if (await TryEscalateAsync(text, ct))
        {
            if (speculated is not null) await DropSpeculationAsync(speculated, ct);
            return;
        }
        var timeline = speculated is null ? StartReply(said.ReceivedAt, ct) : await AdoptSpeculationAsync(speculated, ct);
        if (said.SpeechEndedAt != 0) timeline.Mark(TurnHop.SpeechEnded, said.SpeechEndedAt);
        if (said.SpeechEndedAt != 0) timeline.Mark(TurnHop.TranscriptFinal, said.ReceivedAt);
    }

    private async ValueTask OnInterruptedAsync(UserInterrupted interrupted, CancellationToken ct)
    {
        _telemetry.BargeIn();
        if (_current is not null)
        {
            await CutCurrentReplyAsync(interrupted.HeardText, closeTalkCycle: false, interrupted.ReceivedAt, ct);
        }
        else if (interrupted.HeardText is not null && _history.LastAssistant is { Interrupted: false } last)
        {
            // The model had finished streaming but the carrier was still speaking it.
            _lastCut = (last.Text, interrupted.HeardText);
            _history.MarkLastAssistantInterrupted(interrupted.HeardText);
            _transcript.LastAgentInterrupted(interrupted.HeardText);
        }
        LogInterrupted(_logger, CallId, interrupted.HeardText?.Length ?? -1);
    }

    private async ValueTask OnFalseInterruptionAsync(CancellationToken ct)
    {
        if (_lastCut is not { } cut) return;
        _lastCut = null;
        var remainder = cut.Full.StartsWith(cut.Heard, StringComparison.Ordinal) ? cut.Full[cut.Heard.Length..].TrimStart() : cut.Full;
        _history.RestoreLastAssistant(cut.Full);
        _transcript.LastAgentResumed();
        LogResumed(_logger, CallId, remainder.Length);
        if (remainder.Length == 0) return;
        await _transport.SendAsync(new SpeakToken(remainder, Last: true, ++_nextReplyId), ct);
    }

    private async ValueTask OnDigitAsync(DigitPressed digit, CancellationToken ct)
    {
        LogDigit(_logger, CallId, digit.Digit);
        await CutCurrentReplyAsync(heard: null, closeTalkCycle: true, digit.ReceivedAt, ct);
        _transcript.Digit(digit.Digit);
        _turnCount++;
        if (!_deps.Agent.DtmfBindings.TryGetValue(digit.Digit, out var action))
        {
            _history.AddUser($"[The caller pressed {digit.Digit} on the keypad]");
            _ = StartReply(digit.ReceivedAt, ct);
            return;
        }
        switch (action)
        {
            case DtmfAction.Repeat:
                _history.AddUser($"[The caller pressed {digit.Digit} to hear that again]");
                await SayAsync(_lastFullReply ?? _deps.Agent.WelcomeGreeting ?? _deps.Agent.FallbackLine, ct);
                break;
            case DtmfAction.Operator:
                _history.AddUser($"[The caller pressed {digit.Digit} to reach a person]");
                await SayAsync(_deps.Agent.OperatorLine, ct);
                _transcript.HandedOff(Handoff.LiveAgent, $"caller pressed {digit.Digit} for an operator");
                await _transport.SendAsync(new EndCall(Handoff.Json(Handoff.LiveAgent, $"caller pressed {digit.Digit} for an operator", CallId, _deps.Clock.GetUtcNow(),
                    _history.Entries.LastOrDefault(e => e.Role == Microsoft.Extensions.AI.ChatRole.User && !e.Text.StartsWith('[')) is { } said ? $"Before pressing {digit.Digit} the caller said: \"{Escalation.CallerText.Quote(said.Text)}\"." : null,
                    EscalationTrigger.OperatorKey)), ct);
                break;
            case DtmfAction.End:
                _history.AddUser($"[The caller pressed {digit.Digit} to end the call]");
                await SayAsync(_deps.Agent.GoodbyeLine, ct);
                _transcript.HandedOff(Handoff.CallerEnded, $"caller pressed {digit.Digit} to end the call");
                await _transport.SendAsync(new EndCall(HandoffJson(Handoff.CallerEnded, $"caller pressed {digit.Digit} to end the call")), ct);
                break;
        }
    }

    /// <summary>The agent can no longer hear or speak: stop, apologise, hand off. Only the first failure acts.</summary>
    private async ValueTask OnSpeechUnavailableAsync(SpeechUnavailable lost, CancellationToken ct)
    {
        LogSpeechUnavailable(_logger, CallId, lost.Reason);
        _telemetry.SpeechFailed(lost.Reason);
        if (_handingOff) return;
        _handingOff = true;
        await CutCurrentReplyAsync(heard: null, closeTalkCycle: true, lost.ReceivedAt, ct);
        await SayAsync(_deps.Agent.SpeechFailureLine, ct);
        await _transport.SendAsync(new EndCall(HandoffJson(Handoff.LiveAgent, lost.Reason)), ct);
    }

    /// <summary>The maximum call length: whatever is being said is cut, the goodbye line spoken, the call ended.</summary>
    private async ValueTask OnTimeLimitAsync(CancellationToken ct)
    {
        LogCallEndedBy(_logger, CallId, "maximum call length reached");
        await CutCurrentReplyAsync(heard: null, closeTalkCycle: true, _deps.Clock.GetTimestamp(), ct);
        await SayAsync(_deps.Agent.GoodbyeLine, ct);
        await _transport.SendAsync(new EndCall(HandoffJson(Handoff.AgentEnded, "maximum call length reached")), ct);
    }

    private void OnTurnFinished(TurnFinished finished)
    {
        if (_speculation is { } held && ReferenceEquals(finished.Reply, held.Reply)) held.Finished = finished; // recorded if the turn is confirmed
        if (!ReferenceEquals(finished.Reply, _current)) return; // already cut and recorded
        _current = null;
        RecordFinished(finished.Reply, finished.Result);
    }

    /// <summary>Records a reply that was delivered whole (its last token went out).</summary>
    private void RecordFinished(ReplyHandle reply, TurnResult result)
    {
        _history.AddAssistant(result.SpokenText, interrupted: false, note: CutNote(result) + ActionNote(result));
        RecordReply(result, heard: null);
        _lastFullReply = result.SpokenText;
        _pendingInteraction = result.Interaction;
        CloseTimeline(reply, result.Outcome);
        reply.Dispose();
    }

    private TurnTimeline StartReply(long receivedAt, CancellationToken callToken)
    {
        var id = ++_nextReplyId;
        var timeline = new TurnTimeline(_deps.Clock, CallId, id, _deps.Monitor);
        _telemetry.TurnStarted(timeline);
        timeline.Mark(TurnHop.SocketReceived, receivedAt);
        var reply = new ReplyHandle(id, timeline);
        var messages = BuildModelRequest();
        _current = reply;
        reply.Completion = RunReplyAsync(reply, messages, callToken);
        return timeline;
    }

    private async Task<TurnResult> RunReplyAsync(ReplyHandle reply, List<Microsoft.Extensions.AI.ChatMessage> messages, CancellationToken callToken, Task? confirmed = null)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(callToken, reply.Cancellation.Token);
        var result = await _runner.RunAsync(reply.Id, messages, reply.Timeline, linked.Token, confirmed);
        if (!linked.IsCancellationRequested)
        {
            // Hand the result back to the one writer; if the call is over, nobody needs it.
            _mailbox.Writer.TryWrite(new TurnFinished(reply, result));
        }
        return result;
    }

    private async ValueTask CutCurrentReplyAsync(string? heard, bool closeTalkCycle, long at, CancellationToken ct)
    {
        var reply = _current;
        if (reply is null) return;
        _current = null;
        reply.Timeline.Mark(TurnHop.Interrupted, at);
        await reply.Cancellation.CancelAsync();
        var result = await reply.Completion;
        if (heard is null && result.Outcome != TurnOutcome.Interrupted)
        {
            // The runner had already closed this reply (its last token was sent) before the cut reached it, e.g. a
            // new prompt that raced the reply's TurnFinished through the mailbox: it was delivered whole, so it is
            // recorded as finished and its talk cycle is not closed a second time (an extra empty last frame would
            // be read by the carrier as the answer to the new prompt).
            RecordFinished(reply, result);
            return;
        }
        _history.AddAssistant(heard ?? result.SpokenText, interrupted: true);
        RecordReply(result, heard ?? result.SpokenText);
        _lastCut = heard is null ? null : (result.SpokenText, heard);
        if (closeTalkCycle && !ct.IsCancellationRequested)
        {
            // The carrier did not stop this reply itself; close its talk cycle so the next one starts clean.
            await _transport.SendAsync(new SpeakToken("", Last: true, reply.Id), ct);
        }
        CloseTimeline(reply, TurnOutcome.Interrupted);
        reply.Dispose();
    }

    private async ValueTask SayAsync(string line, CancellationToken ct)
    {
        var id = ++_nextReplyId;
        await _transport.SendAsync(new SpeakToken(line, Last: true, id), ct);
        _history.AddAssistant(line, interrupted: false);
        _transcript.Agent(line);
        _lastFullReply = line;
    }

    /// <summary>Files a finished or cut reply in the transcript (after the fact: never on the token path).</summary>
    private void RecordReply(TurnResult result, string? heard)
    {
        if (heard is null) _transcript.Agent(result.SpokenText);
        else _transcript.AgentInterrupted(heard, result.SpokenText);
        foreach (var action in result.Actions) _transcript.Action(action);
        if (result.Handoff is { } handoff) _transcript.HandedOff(handoff.Code, handoff.Reason);
    }

    private void CloseTimeline(ReplyHandle reply, TurnOutcome outcome)
    {
        var timeline = reply.Timeline;
        _deps.Metrics.RecordTurn(timeline, outcome, _transportName);
        _telemetry.TurnClosed(timeline, outcome);
        _deps.Monitor?.TurnClosed(timeline, outcome, _transportName);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var origin = timeline[TurnHop.SocketReceived];
            foreach (var hop in Enum.GetValues<TurnHop>().Where(h => timeline[h] != 0).OrderBy(h => timeline[h]))
                LogHop(_logger, CallId, reply.Id, hop, origin == 0 ? 0 : _deps.Clock.GetElapsedTime(origin, timeline[hop]).TotalMilliseconds);
        }
        if (!_logger.IsEnabled(LogLevel.Information)) return;
        var hops = TurnSummary.From(timeline);
        LogTurnSummary(_logger, CallId, reply.Id, _transportName, outcome, hops.ReceiveToModelRequestMs, hops.ModelFirstDeltaMs,
            hops.FirstDeltaToFirstFrameMs, hops.FirstToLastFrameMs, hops.ReceiveToFirstFrameMs);
    }

    // A reply the model's output cap stopped mid-thought: the model sees that it did not finish it.
    private static string CutNote(TurnResult result)
        => !result.Truncated ? "" : result.SpokenText.Length == 0 || char.IsWhiteSpace(result.SpokenText[^1]) ? TruncatedReplyNote : " " + TruncatedReplyNote;

    internal const string TruncatedReplyNote = "[cut off: the reply reached the model's output limit]";

    // The model sees what it did, not only what it said (tool calls are not replayed as such).
    private static string ActionNote(TurnResult result) => result.Actions.Count == 0 ? "" : $"\n[actions taken: {string.Join("; ", result.Actions)}]";

    internal static string RenderCallContext(CallInfo call)
    {
        var sb = new StringBuilder("[Call context from the phone system; the caller did not say this]");
        if (!string.IsNullOrEmpty(call.From)) sb.Append("\nCaller number: ").Append(call.From);
        if (!string.IsNullOrEmpty(call.To)) sb.Append("\nNumber called: ").Append(call.To);
        if (!string.IsNullOrEmpty(call.Language)) sb.Append("\nLanguage: ").Append(call.Language);
        foreach (var (key, value) in call.Parameters.Where(p => !Telephony.Outbound.OutboundParameters.IsInternal(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal))
            sb.Append('\n').Append(key).Append(": ").Append(value);
        return sb.ToString();
    }

    private string HandoffJson(string reasonCode, string reason) => Handoff.Json(reasonCode, reason, CallId, _deps.Clock.GetUtcNow());
}
