using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Providers.Resilience;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Anthropic;

/// <summary>Each emulated failure surfaces from the SDK as an exception that classifies to the right kind.</summary>
public sealed class AnthropicFaultTests
{
    [Theory]
    [InlineData(429, ProviderFailureKind.RateLimited)]
    [InlineData(529, ProviderFailureKind.Overloaded)]
    [InlineData(500, ProviderFailureKind.ServerError)]
    [InlineData(400, ProviderFailureKind.ClientError)]
    public async Task HttpErrorClassifiesByStatus(int status, ProviderFailureKind expected)
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.EnqueueFault(ChatFault.Http(status, retryAfter: status == 429 ? TimeSpan.FromSeconds(2) : null));

        var failure = await FailureOfAsync(h);

        Assert.Equal(expected, failure.Kind);
        Assert.Equal(status, failure.StatusCode);
        Assert.Equal(status != 400, failure.IsRetryable);
    }

    [Fact]
    public async Task MidStreamOverloadedErrorClassifiesAsOverloadedAfterEarlierDeltasArrived()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.EnqueueFault(ChatFault.StreamError(afterDeltas: 2));
        var received = new List<string>();

        var failure = await FailureOfAsync(h, received);

        Assert.Equal(ProviderFailureKind.Overloaded, failure.Kind);
        Assert.Equal(DefaultChatReply.Tokens("Hi").Take(2), received);
    }

    [Fact]
    public async Task DroppedConnectionClassifiesAsConnectionLost()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.EnqueueFault(ChatFault.Drop(afterDeltas: 1));

        var failure = await FailureOfAsync(h);

        Assert.Equal(ProviderFailureKind.ConnectionLost, failure.Kind);
        Assert.Equal(ChatRequestOutcome.Faulted, await h.Emulator.Requests.WhenEnded(0).DefaultTimeout());
    }

    [Fact]
    public async Task WrongApiKeyClassifiesAsClientError()
    {
        await using var h = await AnthropicHarness.StartAsync(configure: o => o with { ApiKey = "sk-ant-wrong" });

        var failure = await FailureOfAsync(h);

        Assert.Equal(new ProviderFailure(ProviderFailureKind.ClientError, IsRetryable: false, StatusCode: 401), failure);
        Assert.Equal(1, h.Emulator.Requests.RejectedCount);
    }

    private static async Task<ProviderFailure> FailureOfAsync(AnthropicHarness h, List<string>? received = null)
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var update in h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]))
                if (update.Text.Length > 0) received?.Add(update.Text);
        }).DefaultTimeout();
        return ProviderFailure.Classify(exception);
    }
}
