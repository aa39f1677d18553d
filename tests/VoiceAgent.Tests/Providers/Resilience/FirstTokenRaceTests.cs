using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Conversation;
using VoiceAgent.Providers.Resilience;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Resilience;

/// <summary>
/// The first-token race on virtual time: the second request starts exactly when the test advances the clock to
/// the first-token timeout, never by wall-clock luck. Models are scripted per request.
/// </summary>
public sealed class FirstTokenRaceTests : IDisposable
{
    private static readonly TimeSpan RaceAfter = TimeSpan.FromMilliseconds(800);
    private static readonly List<ChatMessage> Hello = [new(ChatRole.User, "Hello")];

    private readonly ManualTimeProvider _time = new();
    private readonly RaceMetrics _metrics = new();

    public void Dispose() => _metrics.Dispose();

    private FirstTokenRaceChatClient Race(IChatClient first, IChatClient? second = null, string secondProvider = "anthropic", string? secondModel = null)
        => new(new ModelRaceLane("anthropic", first), new ModelRaceLane(secondProvider, second ?? first, secondModel), RaceAfter, _time, _metrics.Metrics, NullLogger.Instance);

    [Fact]
    public async Task SlowFirstRequestStartsASecondAtTheTimeoutAndTheSecondsFirstTokenWins()
    {
        var model = new ScriptedModel();
        using var race = Race(model);
        await using var stream = race.GetStreamingResponseAsync(Hello).GetAsyncEnumerator();
        var next = stream.NextTextAsync();
        var first = await model.NextRequestAsync().DefaultTimeout();

        _time.Advance(RaceAfter - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, model.Count);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var second = await model.NextRequestAsync().DefaultTimeout();
        second.Say("From the second.");

        Assert.Equal("From the second.", await next.DefaultTimeout());
        await first.WhenCancelled.DefaultTimeout();
        Assert.False(second.IsCancelled);
        Assert.Equal(["second_won/first_token_timeout/anthropic x1"], _metrics.Races);
    }

    [Fact]
    public async Task TheWinningReplyTellsTheTurnWhichRequestWonAndWhenTheSecondWentOut()
    {
        var model = new ScriptedModel();
        using var race = Race(model);
        var reply = race.GetStreamingResponseAsync(Hello).CollectAsync();
        await model.NextRequestAsync().DefaultTimeout();
        _time.Advance(RaceAfter);
        var secondSentAt = _time.GetTimestamp();
        var second = await model.NextRequestAsync().DefaultTimeout();
        second.Say("Hi.");
        second.End();

        var updates = await reply.DefaultTimeout();
        Assert.Equal(new ModelRaceResult(ModelRaceOutcome.SecondWon, ModelRaceTrigger.FirstTokenTimeout, "anthropic", secondSentAt), ModelRaceResult.Of(updates[0]));
    }

    [Fact]
    public async Task TheLosersLateTokensNeverReachTheCaller()
    {
        var model = new ScriptedModel();
        using var race = Race(model);
        var reply = race.GetStreamingResponseAsync(Hello).CollectAsync();
        var first = await model.NextRequestAsync().DefaultTimeout();
        _time.Advance(RaceAfter);
        var second = await model.NextRequestAsync().DefaultTimeout();

        second.Say("Second ");
        await first.WhenCancelled.DefaultTimeout();
        first.Say("First ");
        second.Say("wins.");
        second.End();

        Assert.Equal("Second wins.", (await reply.DefaultTimeout()).JoinText());
    }

    [Fact]
    public async Task FirstRequestThatSpeaksAfterTheRaceStartedWinsAndTheSecondIsCancelled()
    {
        var model = new ScriptedModel();
        using var race = Race(model);
        await using var stream = race.GetStreamingResponseAsync(Hello).GetAsyncEnumerator();
        var next = stream.NextTextAsync();
        var first = await model.NextRequestAsync().DefaultTimeout();
        _time.Advance(RaceAfter);
        var second = await model.NextRequestAsync().DefaultTimeout();

        first.Say("From the first.");

        Assert.Equal("From the first.", await next.DefaultTimeout());
        await second.WhenCancelled.DefaultTimeout();
        Assert.Equal(["first_won/first_token_timeout/anthropic x1"], _metrics.Races);
    }

    [Fact]
    public async Task FirstTokenInTimeNeverStartsASecondRequest()
    {
        var model = new ScriptedModel();
        using var race = Race(model);
        var reply = race.GetStreamingResponseAsync(Hello).CollectAsync();
        var first = await model.NextRequestAsync().DefaultTimeout();
        first.Start();
        first.Say("In time.");
        first.End();

        Assert.Equal("In time.", (await reply.DefaultTimeout()).JoinText());
        _time.Advance(RaceAfter * 10);
        Assert.Equal(1, model.Count);
        Assert.Empty(_metrics.Races);
    }

    public static TheoryData<string> EarlyFailures => ["429", "529", "500", "connection refused"];

    private static Exception FailureFor(string name) => name switch
    {
        "429" => new HttpRequestException("Too Many Requests", null, HttpStatusCode.TooManyRequests),
        "529" => new HttpRequestException("Overloaded", null, (HttpStatusCode)529),
        "500" => new HttpRequestException("Internal Server Error", null, HttpStatusCode.InternalServerError),
        _ => new HttpRequestException("Connection refused (127.0.0.1:9)", new SocketException((int)SocketError.ConnectionRefused)),
    };

    [Theory]
    [MemberData(nameof(EarlyFailures))]
    public async Task AnErrorBeforeTheFirstTokenStartsTheSecondRequestAtOnce(string failure)
    {
        var model = new ScriptedModel();
        using var race = Race(model);
        await using var stream = race.GetStreamingResponseAsync(Hello).GetAsyncEnumerator();
        var next = stream.NextTextAsync();
        var first = await model.NextRequestAsync().DefaultTimeout();

        first.Fail(FailureFor(failure));
        var second = await model.NextRequestAsync().DefaultTimeout(); // the clock has not moved
        second.Say("Recovered.");

        Assert.Equal("Recovered.", await next.DefaultTimeout());
        Assert.Equal(["second_won/first_request_failed/anthropic x1"], _metrics.Races);
    }

    [Fact]
    public async Task ANonRetryableErrorOnTheSameProviderIsNotRetried()
    {
        var model = new ScriptedModel();
        using var race = Race(model);
        var reply = race.GetStreamingResponseAsync(Hello).CollectAsync();
        var first = await model.NextRequestAsync().DefaultTimeout();

        first.Fail(new HttpRequestException("Unauthorized", null, HttpStatusCode.Unauthorized));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => reply.DefaultTimeout());
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal(1, model.Count);
    }

    [Fact]
    public async Task ANonRetryableErrorFailsOverToTheOtherProvider()
    {
        var primary = new ScriptedModel();
        var fallback = new ScriptedModel();
        using var race = Race(primary, fallback, "openai");
        var reply = race.GetStreamingResponseAsync(Hello).CollectAsync();
        (await primary.NextRequestAsync().DefaultTimeout()).Fail(new HttpRequestException("Unauthorized", null, HttpStatusCode.Unauthorized));

        var second = await fallback.NextRequestAsync().DefaultTimeout();
        second.Say("From OpenAI.");
        second.End();

        Assert.Equal("From OpenAI.", (await reply.DefaultTimeout()).JoinText());
        Assert.Equal(["second_won/first_request_failed/openai x1"], _metrics.Races);
    }

    [Fact]
    public async Task TheFallbackProviderIsAskedForItsOwnModel()
    {
        var primary = new ScriptedModel();
        var fallback = new ScriptedModel();
        using var race = Race(primary, fallback, "openai", secondModel: "gpt-4o");
        var reply = race.GetStreamingResponseAsync(Hello, new ChatOptions { ModelId = "claude-haiku-4-5" }).CollectAsync();
        var first = await primary.NextRequestAsync().DefaultTimeout();
        _time.Advance(RaceAfter);
        var second = await fallback.NextRequestAsync().DefaultTimeout();
        second.End();
        await reply.DefaultTimeout();

        Assert.Equal("claude-haiku-4-5", first.Options?.ModelId);
        Assert.Equal("gpt-4o", second.Options?.ModelId);
    }

    [Fact]
    public async Task ATokenThenAStallStartsNoSecondRequestAndTheWatchdogCutsTheStall()
    {
        var model = new ScriptedModel();
        var guarded = model.WithWatchdog(_time, firstTokenTimeout: TimeSpan.FromSeconds(3), stallTimeout: TimeSpan.FromSeconds(2));
        using var race = Race(guarded);
        await using var stream = race.GetStreamingResponseAsync(Hello).GetAsyncEnumerator();
        var firstText = stream.NextTextAsync();
        var first = await model.NextRequestAsync().DefaultTimeout();
        first.Say("Let me ");
        Assert.Equal("Let me ", await firstText.DefaultTimeout());

        var next = stream.NextTextAsync();
        _time.Advance(TimeSpan.FromSeconds(2));

        var stall = await Assert.ThrowsAsync<ModelTimeoutException>(() => next.DefaultTimeout());
        Assert.Equal(ModelTimeoutKind.Stall, stall.Kind);
        Assert.Equal(1, model.Count);
        Assert.Empty(_metrics.Races);
    }

    [Fact]
    public async Task BothFailingBeforeAFirstTokenEndsInTheProviderFailedFallback()
    {
        var model = new ScriptedModel();
        using var race = Race(model);
        var reply = race.GetStreamingResponseAsync(Hello).CollectAsync();
        (await model.NextRequestAsync().DefaultTimeout()).Fail(FailureFor("529"));
        (await model.NextRequestAsync().DefaultTimeout()).Fail(FailureFor("500"));

        var failed = await Assert.ThrowsAsync<ModelRaceFailedException>(() => reply.DefaultTimeout());
        Assert.Equal(TurnOutcome.ProviderFailed, ProviderFailureOutcome.From(failed));
        Assert.Equal(["both_failed/first_request_failed/anthropic x1"], _metrics.Races);
    }

    [Fact]
    public async Task RequestsThatFailInstantlyStillEndInTheFallbackOutcome()
    {
        var requests = 0;
        var model = new DelegateChatClient((_, _) =>
        {
            Interlocked.Increment(ref requests);
            throw new HttpRequestException("Service Unavailable", null, HttpStatusCode.ServiceUnavailable);
        });
        using var race = Race(model);

        var failed = await Assert.ThrowsAsync<ModelRaceFailedException>(() => race.GetStreamingResponseAsync(Hello).CollectAsync().DefaultTimeout());
        Assert.Equal(TurnOutcome.ProviderFailed, ProviderFailureOutcome.From(failed));
        Assert.Equal(2, requests);
    }

    [Fact]
    public async Task BothTooSlowEndsInTheFirstTokenTimeoutFallbackWhenEachGivesUp()
    {
        var model = new ScriptedModel();
        var guarded = model.WithWatchdog(_time, firstTokenTimeout: TimeSpan.FromSeconds(3), stallTimeout: TimeSpan.FromSeconds(2));
        using var race = Race(guarded);
        var reply = race.GetStreamingResponseAsync(Hello).CollectAsync();
        var first = await model.NextRequestAsync().DefaultTimeout();
        _time.Advance(RaceAfter);
        var second = await model.NextRequestAsync().DefaultTimeout();

        _time.Advance(TimeSpan.FromSeconds(3) - RaceAfter); // the first request gives up; the second still may speak
        await first.WhenCancelled.DefaultTimeout();
        Assert.False(reply.IsCompleted);
        _time.Advance(RaceAfter);

        var failed = await Assert.ThrowsAsync<ModelRaceFailedException>(() => reply.DefaultTimeout());
        Assert.Equal(TurnOutcome.FirstTokenTimeout, ProviderFailureOutcome.From(failed));
        await second.WhenCancelled.DefaultTimeout();
        Assert.Equal(["both_failed/first_token_timeout/anthropic x1"], _metrics.Races);
    }

    [Fact]
    public async Task CallerCancellationDuringTheRaceCancelsBothRequests()
    {
        var model = new ScriptedModel();
        using var race = Race(model);
        using var bargeIn = new CancellationTokenSource();
        var reply = race.GetStreamingResponseAsync(Hello, cancellationToken: bargeIn.Token).CollectAsync();
        var first = await model.NextRequestAsync().DefaultTimeout();
        _time.Advance(RaceAfter);
        var second = await model.NextRequestAsync().DefaultTimeout();

        await bargeIn.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reply.DefaultTimeout());
        await first.WhenCancelled.DefaultTimeout();
        await second.WhenCancelled.DefaultTimeout();
        Assert.Equal(["cancelled/first_token_timeout/anthropic x1"], _metrics.Races);
    }
}
