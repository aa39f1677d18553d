using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Providers.OpenAI;
using VoiceAgent.Providers.Resilience;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.OpenAI;

/// <summary>Each emulated failure surfaces from the adapter as an exception that classifies to the right kind.</summary>
public sealed class OpenAIFaultTests
{
    [Theory]
    [InlineData(429, ProviderFailureKind.RateLimited)]
    [InlineData(503, ProviderFailureKind.Overloaded)]
    [InlineData(500, ProviderFailureKind.ServerError)]
    [InlineData(404, ProviderFailureKind.ClientError)]
    public async Task HttpErrorClassifiesByStatus(int status, ProviderFailureKind expected)
    {
        await using var h = await OpenAIHarness.StartAsync();
        h.Emulator.EnqueueFault(ChatFault.Http(status));

        var failure = ProviderFailure.Classify(await ExceptionOfAsync(h));

        Assert.Equal(new ProviderFailure(expected, IsRetryable: status != 404, StatusCode: status), failure);
    }

    [Fact]
    public async Task InsufficientQuotaIsRateLimitedButNotRetryable()
    {
        await using var h = await OpenAIHarness.StartAsync();
        h.Emulator.EnqueueFault(ChatFault.Http(429, errorType: "insufficient_quota"));

        var failure = ProviderFailure.Classify(await ExceptionOfAsync(h));

        Assert.Equal(new ProviderFailure(ProviderFailureKind.RateLimited, IsRetryable: false, StatusCode: 429), failure);
    }

    [Fact]
    public async Task InStreamErrorObjectEndsTheStreamAsServerError()
    {
        await using var h = await OpenAIHarness.StartAsync();
        h.Emulator.EnqueueFault(ChatFault.StreamError(afterDeltas: 2));
        var received = new List<string>();

        var exception = await ExceptionOfAsync(h, received);

        var streamError = Assert.IsType<OpenAIStreamErrorException>(exception);
        Assert.Equal("server_error", streamError.ErrorType);
        Assert.Equal(ProviderFailureKind.ServerError, ProviderFailure.Classify(exception).Kind);
        Assert.Equal(DefaultChatReply.Tokens("Hi").Take(2), received);
    }

    [Fact]
    public async Task InStreamRateLimitErrorClassifiesAsRateLimited()
    {
        await using var h = await OpenAIHarness.StartAsync();
        h.Emulator.EnqueueFault(ChatFault.StreamError(afterDeltas: 0, errorType: "rate_limit_exceeded"));

        var failure = ProviderFailure.Classify(await ExceptionOfAsync(h));

        Assert.Equal(ProviderFailureKind.RateLimited, failure.Kind);
    }

    [Fact]
    public async Task DroppedConnectionClassifiesAsConnectionLost()
    {
        await using var h = await OpenAIHarness.StartAsync();
        h.Emulator.EnqueueFault(ChatFault.Drop(afterDeltas: 1));

        var failure = ProviderFailure.Classify(await ExceptionOfAsync(h));

        Assert.Equal(ProviderFailureKind.ConnectionLost, failure.Kind);
        Assert.True(failure.IsRetryable);
    }

    [Fact]
    public async Task WrongApiKeyClassifiesAsClientError()
    {
        await using var h = await OpenAIHarness.StartAsync(configure: o => o with { ApiKey = "sk-wrong" });

        var failure = ProviderFailure.Classify(await ExceptionOfAsync(h));

        Assert.Equal(new ProviderFailure(ProviderFailureKind.ClientError, IsRetryable: false, StatusCode: 401), failure);
    }

    private static Task<Exception> ExceptionOfAsync(OpenAIHarness h, List<string>? received = null)
        => Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var update in h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]))
                if (update.Text.Length > 0) received?.Add(update.Text);
        }).DefaultTimeout();
}
