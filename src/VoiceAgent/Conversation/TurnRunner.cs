using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Tools;
using VoiceAgent.Observability;
using VoiceAgent.Observability.Cost;
using VoiceAgent.Providers.Resilience;

namespace VoiceAgent.Conversation;

/// <summary>
/// Runs one agent turn: streams the model and forwards every text delta to the transport the moment it
/// arrives, stamping the timeline. Tool calls become call-control commands (hand-off, hang-up, language,
/// digits, hold music) or run an application tool; their results go back as tool messages and the model is asked
/// to continue, for at most <see cref="ToolOptions.MaxSteps"/> steps. Never throws: cancellation
/// (barge-in) and provider failures come back as a <see cref="TurnOutcome"/>, and a failure is covered by a
/// spoken fallback so the caller never sits in silence.
/// </summary>
internal sealed partial class TurnRunner(
    IChatClient model,
    ChatOptions modelOptions,
    ICallTransport transport,
    AgentOptions agent,
    TimeProvider clock,
    ILogger logger,
    CallUsage usage,
    ApplicationTools? applicationTools = null)
{
    private readonly ApplicationTools _appTools = applicationTools ?? ApplicationTools.None;
    private ChatOptions? _callOptions;
    internal const string Done = "done: ";
    internal const string NotPerformed = "not performed: ";
    private const int SpokenCapacity = 512;

    /// <param name="confirmed">A speculative turn's confirmation: its tool calls (actions with effects) wait for it; null: none to wait for.</param>
    public async Task<TurnResult> RunAsync(int replyId, List<ChatMessage> messages, TurnTimeline timeline, CancellationToken cancellationToken, Task? confirmed = null)
    {
        // One builder per turn, sized for a usual reply: the round's text is a range of it, not a second builder.
        var spoken = new StringBuilder(SpokenCapacity);
        var actions = new List<string>();
        var options = _callOptions ??= CallOptions();
        long lastDelta = 0;
        var fillerSaid = false;
        var truncated = false;
        try
        {
            timeline.Mark(TurnHop.ModelRequestSent);
            for (var step = 0; ; step++)
            {
                // Past the bound the model is asked once more with tool use off, so the turn ends in speech.
                var toolsOff = step >= agent.Tools.MaxSteps;
                var stepOptions = options;
                if (toolsOff)
                {
                    stepOptions = options.Clone();
                    stepOptions.ToolMode = ChatToolMode.None;
                }
                var calls = new List<FunctionCallContent>();
                var roundStart = spoken.Length;
                await foreach (var update in model.GetStreamingResponseAsync(messages, stepOptions, cancellationToken).WithCancellation(cancellationToken))
                {
                    if (ModelRaceResult.Of(update) is { } race) timeline.RecordModelRace(race);
                    if (update.FinishReason == ChatFinishReason.Length) truncated = true;
                    var contents = update.Contents; // indexed: a foreach over IList<T> boxes an enumerator per update
                    for (var i = 0; i < contents.Count; i++)
                        if (contents[i] is FunctionCallContent call) calls.Add(call);
                    var text = update.Text;
                    if (text.Length == 0)
                    {
                        CountUsage(update);
                        continue;
                    }
                    // Text after a tool step continues what was already said: keep the words apart.
                    if (spoken.Length == roundStart && spoken.Length > 0 && !char.IsWhiteSpace(spoken[^1]) && !char.IsWhiteSpace(text[0])) text = " " + text;
                    lastDelta = clock.GetTimestamp();
                    timeline.Mark(TurnHop.FirstModelDelta, lastDelta);
                    await transport.SendAsync(new SpeakToken(text, Last: false, replyId), cancellationToken);
                    timeline.Mark(TurnHop.FirstTokenSent);
                    spoken.Append(text);
                    CountUsage(update); // after the text went out: usage never delays a delta
                }
                if (calls.Count == 0) break;
                var roundText = spoken.ToString(roundStart, spoken.Length - roundStart); // before any filler or closing line is added
                if (confirmed is not null) await confirmed.WaitAsync(cancellationToken); // nothing is done for a turn the caller may not have finished
                if (toolsOff)
                {
                    LogToolStepsExhausted(logger, timeline.CallId, timeline.TurnId, agent.Tools.MaxSteps);
                    if (spoken.Length == 0) await transport.SendAsync(new SpeakToken(agent.FallbackLine, Last: false, replyId), cancellationToken);
                    if (spoken.Length == 0) spoken.Append(agent.FallbackLine);
                    break;
                }

                var results = new List<AIContent>(calls.Count);
                foreach (var call in calls)
                {
                    // Each call gets its own result, saying what happened to it and nothing else.
                    if (_appTools.TryGet(call.Name, out var tool))
                    {
                        var (output, filler) = await RunApplicationToolAsync(tool, call, replyId, spoken, !fillerSaid, timeline, cancellationToken);
                        fillerSaid |= filler;
                        actions.Add($"used the tool {tool.Name}");
                        results.Add(new FunctionResultContent(call.CallId, output));
                        continue;
                    }
                    var (ended, result) = await RunActionAsync(call, replyId, spoken, actions, timeline, cancellationToken);
                    if (ended is not null) return ended;
                    results.Add(new FunctionResultContent(call.CallId, result));
                }
                messages.Add(new ChatMessage(ChatRole.Assistant, [.. roundText.Length > 0 ? [new TextContent(roundText)] : Array.Empty<AIContent>(), .. calls]));
                messages.Add(new ChatMessage(ChatRole.Tool, results));
            }
            if (lastDelta != 0) timeline.Mark(TurnHop.LastModelDelta, lastDelta);
            await transport.SendAsync(new SpeakToken("", Last: true, replyId), cancellationToken);
            timeline.Mark(TurnHop.LastFrameSent);
            if (truncated) LogReplyCutAtMaxTokens(logger, timeline.CallId, timeline.TurnId, spoken.Length);
            return new TurnResult(TurnOutcome.Completed, spoken.ToString()) { Actions = actions, Truncated = truncated };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new TurnResult(TurnOutcome.Interrupted, spoken.ToString()) { Actions = actions };
        }
        catch (Exception ex)
        {
            var outcome = ProviderFailureOutcome.From(ex);
            LogModelFailed(logger, timeline.CallId, timeline.TurnId, outcome, ex.GetType().Name, LogValues.MaskPhoneNumbers(ex.Message));
            return await SpeakFallbackAsync(outcome, replyId, spoken, timeline, cancellationToken) with { Actions = actions };
        }
    }

    /// <summary>
    /// The model options of this call: the tools its transport can carry out, then the application's (built once per
    /// call, never changed after; the step past the tool bound asks with a copy). The turn reads each streamed update
    /// before it asks for the next, so it lets a client of ours reuse its text update (<see cref="Providers.ReusedStreamingUpdates"/>).
    /// </summary>
    private ChatOptions CallOptions()
    {
        var options = AgentTools.ForTransport(modelOptions, transport.Capabilities);
        if (_appTools.Declarations.Count > 0) options.Tools = [.. options.Tools ?? [], .. _appTools.Declarations];
        if (Providers.ReusedStreamingUpdates.HonouredBy(model)) Providers.ReusedStreamingUpdates.Allow(options);
        return options;
    }

    /// <summary>Adds the provider's usage fields carried by <paramref name="update"/> to the call's usage, under the model that answered.</summary>
    private void CountUsage(ChatResponseUpdate update)
    {
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
            if (contents[i] is UsageContent reported) usage.AddModel(update.ModelId ?? modelOptions.ModelId ?? "unknown", reported.Details);
    }

    /// <summary>
    /// Carries out one tool call. Returns the turn's result when the action ended the call, and the tool result
    /// the model is told: <c>done: …</c> for what was carried out, <c>not performed: …</c> with the reason otherwise.
    /// </summary>
    private async ValueTask<(TurnResult? Ended, string Result)> RunActionAsync(FunctionCallContent call, int replyId, StringBuilder spoken, List<string> actions, TurnTimeline timeline, CancellationToken ct)
    {
        var action = AgentTools.Parse(call, agent, transport.Capabilities, out var error);
        if (action is null)
        {
            LogToolRejected(logger, timeline.CallId, timeline.TurnId, LogValues.MaskPhoneNumbers(error));
            return (null, NotPerformed + error);
        }
        LogToolCalled(logger, timeline.CallId, timeline.TurnId, call.Name);
        switch (action)
        {
            case EscalateToHuman escalate:
                LogEscalated(logger, timeline.CallId, timeline.TurnId, EscalationTriggerNames.Of(escalate.Trigger));
                await CloseWithLineAsync(agent.OperatorLine, replyId, spoken, timeline, ct);
                await transport.SendAsync(new EndCall(Handoff.Json(Handoff.LiveAgent, escalate.Reason, timeline.CallId, clock.GetUtcNow(), escalate.Summary, escalate.Trigger)), ct);
                actions.Add($"transferred to a person ({escalate.Reason})");
                return (new TurnResult(TurnOutcome.Completed, spoken.ToString()) { Actions = actions, Handoff = (Handoff.LiveAgent, escalate.Reason) }, Done + actions[^1]);
            case HangUp hangUp:
                await CloseWithLineAsync(agent.GoodbyeLine, replyId, spoken, timeline, ct);
                await transport.SendAsync(new EndCall(Handoff.Json(Handoff.AgentEnded, hangUp.Reason, timeline.CallId, clock.GetUtcNow())), ct);
                actions.Add($"ended the call ({hangUp.Reason})");
                return (new TurnResult(TurnOutcome.Completed, spoken.ToString()) { Actions = actions, Handoff = (Handoff.AgentEnded, hangUp.Reason) }, Done + actions[^1]);
            case ChangeLanguage language:
                return (null, await CommandAsync(new SwitchLanguage(language.Language, language.Language), $"switched the language to {language.Language}", actions, timeline, ct));
            case PressDigits digits:
                return (null, await CommandAsync(new SendDigits(digits.Digits), $"sent the digits {digits.Digits}", actions, timeline, ct));
            case PlayHoldMusic:
                return (null, await CommandAsync(new PlayAudio(agent.HoldMusicUrl!), "played hold music", actions, timeline, ct));
            case InteractionRequest interaction:
                // The engine runs the exchange (what the caller hears next, then their keys); the model hears the outcome.
                await CloseWithLineAsync("", replyId, spoken, timeline, ct);
                actions.Add(interaction.Description);
                return (new TurnResult(TurnOutcome.Completed, spoken.ToString()) { Actions = actions, Interaction = interaction }, Done + actions[^1]);
            case SetPacing pacing:
                return (null, await CommandAsync(new ChangePacing(pacing.Pace, pacing.Length), Pacing.PacingChange.Describe(pacing.Pace, pacing.Length), actions, timeline, ct));
            default:
                return (null, NotPerformed + $"tool '{call.Name}' has no handler");
        }
    }

    /// <summary>
    /// Runs an application tool under <see cref="ToolOptions.Timeout"/>; while it runs longer than
    /// <see cref="ToolOptions.FillerAfter"/> the caller hears the filler line (once per turn). A failure or timeout is
    /// reported to the model as <c>not performed: …</c>; cancellation of the turn (barge-in) propagates.
    /// </summary>
    private async ValueTask<(string Result, bool SaidFiller)> RunApplicationToolAsync(VoiceAgentTool tool, FunctionCallContent call, int replyId, StringBuilder spoken, bool fillerAllowed, TurnTimeline timeline, CancellationToken ct)
    {
        LogToolCalled(logger, timeline.CallId, timeline.TurnId, call.Name);
        var arguments = JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));
        using var deadline = new CancellationTokenSource(agent.Tools.Timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var run = InvokeAsync(tool, new ToolInvocation(timeline.CallId, arguments), linked.Token);
        var saidFiller = false;
        if (fillerAllowed && !run.IsCompleted)
        {
            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var wait = Task.Delay(agent.Tools.FillerAfter, clock, stopWaiting.Token);
            if (await Task.WhenAny(run, wait) == wait && wait.IsCompletedSuccessfully && !run.IsCompleted)
            {
                var line = spoken.Length > 0 && !char.IsWhiteSpace(spoken[^1]) ? " " + agent.Tools.FillerLine + " " : agent.Tools.FillerLine + " ";
                await transport.SendAsync(new SpeakToken(line, Last: false, replyId), ct);
                timeline.Mark(TurnHop.FirstTokenSent);
                spoken.Append(line);
                saidFiller = true;
            }
            await stopWaiting.CancelAsync();
        }
        try
        {
            return (await run, saidFiller);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            LogToolFailed(logger, timeline.CallId, timeline.TurnId, tool.Name, "timed out");
            return (NotPerformed + $"the tool {tool.Name} did not answer within {agent.Tools.Timeout.TotalSeconds:0.#} s", saidFiller);
        }
        catch (Exception ex)
        {
            // The application's handler failed: the model hears that it failed, never the exception text (it may hold data).
            LogToolFailed(logger, timeline.CallId, timeline.TurnId, tool.Name, ex.GetType().Name);
            return (NotPerformed + $"the tool {tool.Name} failed", saidFiller);
        }
    }

    private static async Task<string> InvokeAsync(VoiceAgentTool tool, ToolInvocation invocation, CancellationToken ct)
    {
        await Task.Yield(); // the handler never runs on the turn's stack, so a synchronous one cannot hold the filler back
        return await tool.Handler(invocation, ct) ?? "";
    }

    /// <summary>Sends a call-control command; a transport that cannot carry it out says why, and the model hears that.</summary>
    private async ValueTask<string> CommandAsync(TransportCommand command, string done, List<string> actions, TurnTimeline timeline, CancellationToken ct)
    {
        try
        {
            await transport.SendAsync(command, ct);
        }
        catch (CommandRejectedException ex)
        {
            LogToolRejected(logger, timeline.CallId, timeline.TurnId, ex.Message);
            return NotPerformed + ex.Message;
        }
        actions.Add(done);
        return Done + done;
    }

    /// <summary>Closes the reply before the session ends: says <paramref name="line"/> unless the model already spoke.</summary>
    private async ValueTask CloseWithLineAsync(string line, int replyId, StringBuilder spoken, TurnTimeline timeline, CancellationToken ct)
    {
        var text = spoken.Length == 0 ? line : "";
        await transport.SendAsync(new SpeakToken(text, Last: true, replyId), ct);
        timeline.Mark(TurnHop.FirstTokenSent);
        timeline.Mark(TurnHop.LastFrameSent);
        spoken.Append(text);
    }

    private async Task<TurnResult> SpeakFallbackAsync(TurnOutcome outcome, int replyId, StringBuilder spoken, TurnTimeline timeline, CancellationToken cancellationToken)
    {
        var line = spoken.Length == 0 ? agent.FallbackLine : " " + agent.FallbackLine;
        try
        {
            await transport.SendAsync(new SpeakToken(line, Last: true, replyId), cancellationToken);
            timeline.Mark(TurnHop.FirstTokenSent);
            timeline.Mark(TurnHop.LastFrameSent);
            spoken.Append(line);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new TurnResult(TurnOutcome.Interrupted, spoken.ToString());
        }
        catch (Exception ex)
        {
            // The carrier socket itself is gone; the call's receive loop will see the close.
            LogFallbackFailed(logger, timeline.CallId, timeline.TurnId, ex.GetType().Name, ex.Message);
        }
        return new TurnResult(outcome, spoken.ToString());
    }

    [LoggerMessage(EventId = EventIds.TurnFailed, Level = LogLevel.Warning, Message = "Call {CallId} turn {TurnId}: model failed ({Outcome}, {ExceptionType}: {Reason}); speaking the fallback line")]
    private static partial void LogModelFailed(ILogger logger, string callId, int turnId, TurnOutcome outcome, string exceptionType, string reason);

    [LoggerMessage(EventId = EventIds.CallFailed, Level = LogLevel.Warning, Message = "Call {CallId} turn {TurnId}: could not send the fallback line ({ExceptionType}: {Reason})")]
    private static partial void LogFallbackFailed(ILogger logger, string callId, int turnId, string exceptionType, string reason);

    [LoggerMessage(EventId = EventIds.ToolCalled, Level = LogLevel.Information, Message = "Call {CallId} turn {TurnId}: model called {Tool}")]
    private static partial void LogToolCalled(ILogger logger, string callId, int turnId, string tool);

    [LoggerMessage(EventId = EventIds.ToolStepsExhausted, Level = LogLevel.Warning, Message = "Call {CallId} turn {TurnId}: the model still called tools after {Steps} tool steps; tool use was off, the calls were not run")]
    private static partial void LogToolStepsExhausted(ILogger logger, string callId, int turnId, int steps);

    [LoggerMessage(EventId = EventIds.ToolFailed, Level = LogLevel.Warning, Message = "Call {CallId} turn {TurnId}: application tool {Tool} failed ({Reason})")]
    private static partial void LogToolFailed(ILogger logger, string callId, int turnId, string tool, string reason);

    [LoggerMessage(EventId = EventIds.EscalationTriggered, Level = LogLevel.Information, Message = "Call {CallId} turn {TurnId}: escalating to a person (trigger {Trigger})")]
    private static partial void LogEscalated(ILogger logger, string callId, int turnId, string trigger);

    [LoggerMessage(EventId = EventIds.ReplyCutAtMaxTokens, Level = LogLevel.Information, Message = "Call {CallId} turn {TurnId}: the model stopped at its output cap ({Characters} characters said); the reply ended there")]
    private static partial void LogReplyCutAtMaxTokens(ILogger logger, string callId, int turnId, int characters);

    [LoggerMessage(EventId = EventIds.ToolRejected, Level = LogLevel.Warning, Message = "Call {CallId} turn {TurnId}: {Error}")]
    private static partial void LogToolRejected(ILogger logger, string callId, int turnId, string error);
}
