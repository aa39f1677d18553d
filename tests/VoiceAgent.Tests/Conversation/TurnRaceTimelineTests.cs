using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Conversation;
using VoiceAgent.Observability;
using VoiceAgent.Providers.Resilience;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Conversation;

/// <summary>A raced model request shows on the turn's timeline: when the second request went out, and which won.</summary>
public sealed class TurnRaceTimelineTests
{
    [Fact]
    public async Task A_raced_reply_puts_the_second_request_and_the_winner_on_the_turn_timeline()
    {
        var time = new ManualTimeProvider();
        var model = new ScriptedRaceModel(time);
        var runner = new TurnRunner(model, new ChatOptions(), new RecordingTransport(), new AgentOptions(), time, NullLogger.Instance, new VoiceAgent.Observability.Cost.CallUsage());
        var timeline = new TurnTimeline(time, "CA-test", 1);

        var result = await runner.RunAsync(1, [new ChatMessage(ChatRole.User, "Hello")], timeline, CancellationToken.None).DefaultTimeout();

        Assert.Equal(TurnOutcome.Completed, result.Outcome);
        Assert.Equal(ModelRaceOutcome.SecondWon, timeline.ModelRace?.Outcome);
        Assert.Equal(model.SecondSentAt, timeline[TurnHop.SecondModelRequestSent]);
    }

    /// <summary>What the race decorator hands the turn when the second request won.</summary>
    private sealed class ScriptedRaceModel(TimeProvider time) : IChatClient
    {
        public long SecondSentAt { get; } = time.GetTimestamp() + 1;

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            var first = new ChatResponseUpdate(ChatRole.Assistant, "Hi.");
            first.AdditionalProperties = new() { [ModelRaceResult.PropertyKey] = new ModelRaceResult(ModelRaceOutcome.SecondWon, ModelRaceTrigger.FirstTokenTimeout, "openai", SecondSentAt) };
            yield return first;
        }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public object? GetService(Type serviceType, object? serviceKey = null) => null;
        public void Dispose() { }
    }
}
