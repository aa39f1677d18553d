using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using VoiceAgent.Timing;

namespace VoiceAgent.Providers.Resilience;

/// <summary>
/// Guards a model stream with two deadlines on an injected <see cref="TimeProvider"/>: the first text or tool
/// call must arrive within <see cref="StreamWatchdogOptions.FirstTokenTimeout"/> of the request, and once it has,
/// upstream may not go quiet for longer than <see cref="StreamWatchdogOptions.StallTimeout"/>. A missed deadline
/// cancels the upstream call and throws <see cref="ModelTimeoutException"/>; the caller's own cancellation passes
/// through untouched as <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// One timer per request (a <see cref="SlidingDeadline"/> whose first limit is the first-token timeout), not re-armed
/// per token: each update only stamps the time the caller handed it back, and the timer, when due, measures the
/// silence since then and sleeps again for the rest of the stall allowance. The stall clock is stopped while the
/// caller holds an update, so slow downstream work (TTS, a busy socket) is never blamed on the model.
/// </remarks>
internal sealed class StreamWatchdogChatClient(IChatClient innerClient, TimeProvider timeProvider, StreamWatchdogOptions watchdogOptions)
    : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var expired = new CancellationTokenSource();
        using var deadline = new SlidingDeadline(timeProvider, watchdogOptions.StallTimeout, () => CancelQuietly(expired), firstLimit: watchdogOptions.FirstTokenTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, expired.Token);
        var started = false;

        await using var stream = base.GetStreamingResponseAsync(messages, options, linked.Token).GetAsyncEnumerator(linked.Token);
        while (true)
        {
            bool more;
            try
            {
                more = await stream.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (expired.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw started
                    ? new ModelTimeoutException(ModelTimeoutKind.Stall, watchdogOptions.StallTimeout, ex)
                    : new ModelTimeoutException(ModelTimeoutKind.FirstToken, watchdogOptions.FirstTokenTimeout, ex);
            }
            if (!more) yield break;

            var update = stream.Current;
            started = started || IsFirstToken(update);
            if (started) deadline.Stop(); // the caller holds the update: the stall clock stops
            yield return update;
            if (started) deadline.Restart(); // handed back: upstream has the stall timeout from now
        }
    }

    private static void CancelQuietly(CancellationTokenSource expired)
    {
        try
        {
            expired.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream ended as the deadline came due.
        }
    }

    /// <summary>Output the caller can act on: spoken text or a tool call.</summary>
    private static bool IsFirstToken(ChatResponseUpdate update)
    {
        var contents = update.Contents; // indexed: a foreach over IList<T> boxes an enumerator per update
        for (var i = 0; i < contents.Count; i++)
            if (contents[i] is TextContent { Text.Length: > 0 } or FunctionCallContent) return true;
        return false;
    }
}
