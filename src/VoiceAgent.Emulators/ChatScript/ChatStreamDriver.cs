using Microsoft.AspNetCore.Http;

namespace VoiceAgent.Emulators.ChatScript;

/// <summary>
/// Plays a <see cref="ChatReplyPlan"/> through an <see cref="IChatStreamEncoder"/>: first-token and inter-token
/// delays, the test gate, and in-stream faults (error event, stall, dropped connection) after N deltas.
/// </summary>
internal static class ChatStreamDriver
{
    public static async Task<ChatRequestOutcome> RunAsync(
        ChatReplyPlan plan, IChatStreamEncoder encoder, HttpContext context, TimeProvider clock, CancellationToken cancellationToken,
        Action<int, string, long>? textDeltaSent = null)
    {
        var fault = plan.Fault is { Kind: not ChatFaultKind.HttpError } f ? f : null;
        var gate = plan.Gate;
        var sent = 0;
        var firstStep = true;

        await encoder.WritePreambleAsync(cancellationToken).ConfigureAwait(false);

        foreach (var step in Steps(plan))
        {
            if (step.IsDelta)
            {
                if (fault is not null && sent == fault.AfterDeltas)
                    return await StrikeAsync(fault, encoder, context, cancellationToken).ConfigureAwait(false);
                if (gate is not null && sent == plan.GateAfterDeltas)
                {
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    gate = null;
                }
            }

            var delay = firstStep ? plan.FirstTokenDelay : step.IsDelta ? plan.InterTokenDelay : TimeSpan.Zero;
            if (delay > TimeSpan.Zero) await Task.Delay(delay, clock, cancellationToken).ConfigureAwait(false);
            firstStep = false;

            if (step.ToolOrdinal < 0)
            {
                // Stamped as the write starts: the stand-in's own encoding counts against the server, never for it.
                var sentAt = System.Diagnostics.Stopwatch.GetTimestamp();
                await encoder.WriteTextAsync(step.Text, cancellationToken).ConfigureAwait(false);
                textDeltaSent?.Invoke(sent, step.Text, sentAt);
            }
            else if (!step.IsDelta)
                await encoder.WriteToolStartAsync(step.ToolOrdinal, cancellationToken).ConfigureAwait(false);
            else
                await encoder.WriteToolArgumentsAsync(step.ToolOrdinal, step.Text, cancellationToken).ConfigureAwait(false);

            if (step.IsDelta) sent++;
        }

        if (fault is not null) return await StrikeAsync(fault, encoder, context, cancellationToken).ConfigureAwait(false);
        if (gate is not null) await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        await encoder.WriteEndAsync(cancellationToken).ConfigureAwait(false);
        return ChatRequestOutcome.Completed;
    }

    private static async Task<ChatRequestOutcome> StrikeAsync(
        ChatFault fault, IChatStreamEncoder encoder, HttpContext context, CancellationToken cancellationToken)
    {
        switch (fault.Kind)
        {
            case ChatFaultKind.StreamError:
                await encoder.WriteStreamErrorAsync(fault, cancellationToken).ConfigureAwait(false);
                return ChatRequestOutcome.Faulted;
            case ChatFaultKind.DropConnection:
                context.Abort();
                return ChatRequestOutcome.Faulted;
            case ChatFaultKind.Stall:
                // Hang until the client gives up (or the emulator stops); the cancellation surfaces as ClientAborted.
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
                return ChatRequestOutcome.ClientAborted;
            default:
                throw new InvalidOperationException($"Fault {fault.Kind} is not an in-stream fault.");
        }
    }

    private static IEnumerable<Step> Steps(ChatReplyPlan plan)
    {
        foreach (var chunk in plan.TextChunks) yield return new Step(-1, chunk, IsDelta: true);
        for (var i = 0; i < plan.ToolCalls.Count; i++)
        {
            yield return new Step(i, string.Empty, IsDelta: false);
            foreach (var fragment in plan.ToolArgumentFragments[i]) yield return new Step(i, fragment, IsDelta: true);
        }
    }

    private readonly record struct Step(int ToolOrdinal, string Text, bool IsDelta);
}
