using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.AI;

namespace VoiceAgent.Tests.Providers.Resilience;

/// <summary>
/// A model whose every request is driven by the test: it says tokens, fails or ends when told, and records
/// whether its request was cancelled. Unit fakes for the race; the emulators cover the wire.
/// </summary>
internal sealed class ScriptedModel : IChatClient
{
    private readonly Channel<ScriptedRequest> _started = Channel.CreateUnbounded<ScriptedRequest>();
    private int _count;

    /// <summary>Requests received so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The next request to arrive (in order).</summary>
    public Task<ScriptedRequest> NextRequestAsync() => _started.Reader.ReadAsync().AsTask();

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = new ScriptedRequest(options, cancellationToken);
        Interlocked.Increment(ref _count);
        _started.Writer.TryWrite(request);
        await foreach (var item in request.Feed.Reader.ReadAllAsync(cancellationToken))
        {
            if (item is Exception failure) throw failure;
            yield return (ChatResponseUpdate)item;
        }
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("The race streams.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose() { }
}

/// <summary>One request to a <see cref="ScriptedModel"/>.</summary>
internal sealed class ScriptedRequest
{
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ScriptedRequest(ChatOptions? options, CancellationToken cancellationToken)
    {
        Options = options;
        cancellationToken.Register(() => _cancelled.TrySetResult());
    }

    public ChatOptions? Options { get; }
    internal Channel<object> Feed { get; } = Channel.CreateUnbounded<object>();

    /// <summary>Completes when the request's cancellation token fired.</summary>
    public Task WhenCancelled => _cancelled.Task;
    public bool IsCancelled => _cancelled.Task.IsCompleted;

    public void Say(string text) => Feed.Writer.TryWrite(new ChatResponseUpdate(ChatRole.Assistant, text));
    /// <summary>An update with no token in it (the role-only start of a stream).</summary>
    public void Start() => Feed.Writer.TryWrite(new ChatResponseUpdate { Role = ChatRole.Assistant });
    public void Fail(Exception failure) => Feed.Writer.TryWrite(failure);
    public void End() => Feed.Writer.TryComplete();
}
