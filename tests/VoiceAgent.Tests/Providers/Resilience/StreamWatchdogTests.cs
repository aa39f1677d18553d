using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Providers.Resilience;
using VoiceAgent.Tests.Providers.Anthropic;
using VoiceAgent.Tests.Providers.OpenAI;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Resilience;

/// <summary>
/// The watchdog runs on virtual time (<see cref="ManualTimeProvider"/>) while the SDKs talk to the emulators over
/// real sockets: deadlines fire exactly when the test advances the clock, never by wall-clock luck.
/// </summary>
public sealed class StreamWatchdogTests
{
    private static readonly List<ChatMessage> Hello = [new(ChatRole.User, "Hello")];

    [Fact]
    public async Task FirstTokenTimeoutCancelsUpstreamAndThrowsFirstTokenKind()
    {
        var time = new ManualTimeProvider();
        await using var h = await AnthropicHarness.StartAsync();
        // The emulator sends message_start and an empty text block, then nothing: empty updates are not a first token.
        h.Emulator.EnqueueFault(ChatFault.Stall(afterDeltas: 0));
        await using var stream = h.Client.WithWatchdog(time).GetStreamingResponseAsync(Hello).GetAsyncEnumerator();

        var next = stream.NextTextAsync();
        await h.Emulator.Requests.WhenReceived(0).DefaultTimeout();
        time.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        var timeout = await Assert.ThrowsAsync<ModelTimeoutException>(() => next.DefaultTimeout());
        Assert.Equal((ModelTimeoutKind.FirstToken, TimeSpan.FromSeconds(3)), (timeout.Kind, timeout.Timeout));
        await h.Emulator.Requests.WhenAborted(0).DefaultTimeout();
    }

    [Fact]
    public async Task StallAfterFirstTokensCancelsUpstreamAndThrowsStallKind()
    {
        var time = new ManualTimeProvider();
        await using var h = await OpenAIHarness.StartAsync();
        h.Emulator.EnqueueFault(ChatFault.Stall(afterDeltas: 2));
        await using var stream = h.Client.WithWatchdog(time).GetStreamingResponseAsync(Hello).GetAsyncEnumerator();
        await stream.NextTextAsync().DefaultTimeout();
        await stream.NextTextAsync().DefaultTimeout();

        var next = stream.NextTextAsync();
        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        var timeout = await Assert.ThrowsAsync<ModelTimeoutException>(() => next.DefaultTimeout());
        Assert.Equal(ModelTimeoutKind.Stall, timeout.Kind);
        Assert.Equal(ProviderFailureKind.Stalled, ProviderFailure.Classify(timeout).Kind);
        await h.Emulator.Requests.WhenAborted(0).DefaultTimeout();
    }

    [Fact]
    public async Task StallClockIsPausedWhileTheCallerHoldsAnUpdate()
    {
        var time = new ManualTimeProvider();
        await using var h = await AnthropicHarness.StartAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Emulator.Enqueue(ChatReply.Text("One ", "two ", "three.") with { Gate = gate.Task, GateAfterDeltas = 1 });
        await using var stream = h.Client.WithWatchdog(time).GetStreamingResponseAsync(Hello).GetAsyncEnumerator();
        Assert.Equal("One ", await stream.NextTextAsync().DefaultTimeout());

        time.Advance(TimeSpan.FromSeconds(10)); // slow downstream work (TTS, a busy socket) while holding "One "
        var next = stream.NextTextAsync();
        gate.SetResult();

        Assert.Equal("two ", await next.DefaultTimeout());
        Assert.Equal("three.", await stream.NextTextAsync().DefaultTimeout());
        Assert.Null(await stream.NextTextAsync().DefaultTimeout());
        Assert.Equal(ChatRequestOutcome.Completed, await h.Emulator.Requests.WhenEnded(0).DefaultTimeout());
    }

    [Fact]
    public async Task CallerCancellationSurfacesAsOperationCanceledNotTimeout()
    {
        var time = new ManualTimeProvider();
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.EnqueueFault(ChatFault.Stall(afterDeltas: 1));
        using var bargeIn = new CancellationTokenSource();
        await using var stream = h.Client.WithWatchdog(time).GetStreamingResponseAsync(Hello, cancellationToken: bargeIn.Token).GetAsyncEnumerator();
        await stream.NextTextAsync().DefaultTimeout();

        var next = stream.NextTextAsync();
        await bargeIn.CancelAsync();
        time.Advance(TimeSpan.FromSeconds(5)); // the stall deadline passing afterwards must not turn it into a timeout

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.DefaultTimeout());
        Assert.IsNotType<ModelTimeoutException>(ex);
        await h.Emulator.Requests.WhenAborted(0).DefaultTimeout();
    }

    [Fact]
    public async Task NonStreamingCallIsGuardedByTheSameDeadline()
    {
        var time = new ManualTimeProvider();
        await using var h = await OpenAIHarness.StartAsync();
        h.Emulator.EnqueueFault(ChatFault.Stall(afterDeltas: 0));

        var call = h.Client.WithWatchdog(time, firstTokenTimeout: TimeSpan.FromSeconds(1)).GetResponseAsync(Hello);
        await h.Emulator.Requests.WhenReceived(0).DefaultTimeout();
        time.Advance(TimeSpan.FromSeconds(1));

        var timeout = await Assert.ThrowsAsync<ModelTimeoutException>(() => call.DefaultTimeout());
        Assert.Equal(ModelTimeoutKind.FirstToken, timeout.Kind);
    }

    [Fact]
    public async Task ReplyWithinDeadlinesPassesThroughUnchanged()
    {
        var time = new ManualTimeProvider();
        await using var h = await OpenAIHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.Text("Sure, ", "done."));

        var updates = await h.Client.WithWatchdog(time).GetStreamingResponseAsync(Hello).CollectAsync().DefaultTimeout();

        Assert.Equal(["Sure, ", "done."], updates.TextDeltas());
        Assert.Equal(ChatFinishReason.Stop, updates.ToChatResponse().FinishReason);
    }

    [Fact]
    public void InvalidDeadlinesAreRejected()
    {
        using var inner = new NoOpChatClient();

        var ex = Assert.Throws<ArgumentException>(() => inner.WithWatchdog(TimeProvider.System, TimeSpan.Zero, TimeSpan.FromSeconds(-1)));

        Assert.Contains("FirstTokenTimeout", ex.Message, StringComparison.Ordinal);
        Assert.Contains("StallTimeout", ex.Message, StringComparison.Ordinal);
    }

    private sealed class NoOpChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }
}
