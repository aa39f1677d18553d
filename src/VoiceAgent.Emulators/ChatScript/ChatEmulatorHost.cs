using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using VoiceAgent.Emulators.Hosting;

namespace VoiceAgent.Emulators.ChatScript;

/// <summary>
/// Base of the emulated LLM endpoints: authenticates, parses and records each request, takes the next scripted
/// <see cref="ChatReply"/> (or the default reply), streams it with the configured latency and faults, and records
/// how the request ended — including requests the client abandoned mid-stream (barge-in).
/// </summary>
public abstract class ChatEmulatorHost : EmulatorHost
{
    private readonly ConcurrentQueue<ChatReply> _script = new();
    private CancellationToken _stopping;

    private protected ChatEmulatorHost(ChatEmulatorOptions? options) => Options = options ?? new ChatEmulatorOptions();

    /// <summary>Latency defaults and the accepted API key.</summary>
    public ChatEmulatorOptions Options { get; }

    /// <summary>The model APIs serve HTTP/2 (over TLS); the emulator serves it as h2c on <see cref="EmulatorHost.Http2BaseUrl"/>.</summary>
    protected sealed override bool ServesHttp2 => true;

    /// <summary>Every accepted request and how it ended.</summary>
    public ChatRequestLog Requests { get; } = new();

    /// <summary>Number of replies still queued for upcoming requests.</summary>
    public int PendingReplies => _script.Count;

    /// <summary>Queues the reply for the next request that has nothing queued before it.</summary>
    public void Enqueue(ChatReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        _script.Enqueue(reply);
    }

    /// <summary>Queues the default reply with <paramref name="fault"/> injected.</summary>
    public void EnqueueFault(ChatFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        Enqueue(ChatReply.Failing(fault));
    }

    /// <inheritdoc />
    protected sealed override void MapRoutes(WebApplication app)
    {
        _stopping = app.Lifetime.ApplicationStopping;
        app.MapPost(RoutePath, (RequestDelegate)HandleAsync);
    }

    /// <summary>The endpoint path, e.g. <c>/v1/messages</c>.</summary>
    private protected abstract string RoutePath { get; }

    /// <summary>Name of the request-id response header.</summary>
    private protected abstract string RequestIdHeader { get; }

    /// <summary>Null when the request carries valid credentials, else the error message to return with 401.</summary>
    private protected abstract string? Authenticate(HttpRequest request);

    /// <summary>Parses the body into a record, or null when it is not a valid request.</summary>
    private protected abstract RecordedChatRequest? Parse(string body);

    /// <summary>Id of the response to request <paramref name="index"/>.</summary>
    private protected abstract string ResponseId(int index);

    /// <summary>Id assigned to tool call <paramref name="callIndex"/> of request <paramref name="requestIndex"/>.</summary>
    private protected abstract string ToolCallId(int requestIndex, int callIndex);

    /// <summary>Writes the provider's documented error response.</summary>
    private protected abstract Task WriteErrorAsync(HttpResponse response, int status, string? errorType, string requestId, CancellationToken cancellationToken);

    /// <summary>The provider's SSE encoder for one streamed reply.</summary>
    private protected abstract IChatStreamEncoder CreateEncoder(SseEventWriter writer, ChatReplyPlan plan, RecordedChatRequest request);

    /// <summary>Writes a complete (non-streamed) response.</summary>
    private protected abstract Task WriteCompleteResponseAsync(HttpResponse response, ChatReplyPlan plan, CancellationToken cancellationToken);

    /// <summary>The HTTP status that stands for an in-stream error of this type on a non-streamed request.</summary>
    private protected abstract int StatusForStreamError(string? errorType);

    private async Task HandleAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping);
        var cancellationToken = linked.Token;
        var requestId = $"req_emul_{Guid.NewGuid():N}";
        context.Response.Headers[RequestIdHeader] = requestId;

        if (Authenticate(context.Request) is not null)
        {
            Requests.Reject();
            await WriteErrorAsync(context.Response, StatusCodes.Status401Unauthorized, null, requestId, cancellationToken).ConfigureAwait(false);
            return;
        }

        string body;
        using (var reader = new StreamReader(context.Request.Body))
            body = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        if (Parse(body) is not { } parsed)
        {
            Requests.Reject();
            await WriteErrorAsync(context.Response, StatusCodes.Status400BadRequest, null, requestId, cancellationToken).ConfigureAwait(false);
            return;
        }

        var request = Requests.Add(parsed with { Protocol = context.Request.Protocol });
        Options.Observer?.RequestAccepted(request, System.Diagnostics.Stopwatch.GetTimestamp());
        var reply = _script.TryDequeue(out var scripted) ? scripted : Options.DefaultReply ?? ChatReply.Default;
        var plan = ChatReplyPlan.Resolve(reply, request, Options, ResponseId(request.Index), i => ToolCallId(request.Index, i));
        ChatRequestOutcome? outcome = null;
        try
        {
            outcome = await RespondAsync(context, request, plan, requestId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away (or the emulator is stopping) before the response was complete.
            outcome = ChatRequestOutcome.ClientAborted;
        }
        finally
        {
            Requests.End(request.Index, outcome ?? ChatRequestOutcome.Faulted);
        }
    }

    private async Task<ChatRequestOutcome> RespondAsync(
        HttpContext context, RecordedChatRequest request, ChatReplyPlan plan, string requestId, CancellationToken cancellationToken)
    {
        if (plan.Fault is { Kind: ChatFaultKind.HttpError } httpFault)
        {
            if (httpFault.RetryAfter is { } retryAfter)
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteErrorAsync(context.Response, httpFault.StatusCode, httpFault.ErrorType, requestId, cancellationToken).ConfigureAwait(false);
            return ChatRequestOutcome.Faulted;
        }

        if (request.Stream)
        {
            var writer = new SseEventWriter(context.Response);
            var observer = Options.Observer;
            Action<int, string, long>? deltaSent = observer is null ? null : (i, text, at) => observer.TextDeltaSent(request, i, text, at);
            return await ChatStreamDriver.RunAsync(plan, CreateEncoder(writer, plan, request), context, Options.TimeProvider, cancellationToken, deltaSent).ConfigureAwait(false);
        }

        return await RespondCompleteAsync(context, plan, requestId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ChatRequestOutcome> RespondCompleteAsync(HttpContext context, ChatReplyPlan plan, string requestId, CancellationToken cancellationToken)
    {
        if (plan.FirstTokenDelay > TimeSpan.Zero)
            await Task.Delay(plan.FirstTokenDelay, Options.TimeProvider, cancellationToken).ConfigureAwait(false);
        switch (plan.Fault?.Kind)
        {
            case ChatFaultKind.Stall:
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
                return ChatRequestOutcome.ClientAborted;
            case ChatFaultKind.DropConnection:
                context.Abort();
                return ChatRequestOutcome.Faulted;
            case ChatFaultKind.StreamError:
                await WriteErrorAsync(context.Response, StatusForStreamError(plan.Fault.ErrorType), plan.Fault.ErrorType, requestId, cancellationToken).ConfigureAwait(false);
                return ChatRequestOutcome.Faulted;
        }
        if (plan.Gate is not null) await plan.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        await WriteCompleteResponseAsync(context.Response, plan, cancellationToken).ConfigureAwait(false);
        return ChatRequestOutcome.Completed;
    }
}
