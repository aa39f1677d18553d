using VoiceAgent.Observability;
using VoiceAgent.Observability.Live;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Observability;

/// <summary>The dashboard's live fan-out: calls never wait on it, and a browser that stops reading loses its oldest events only.</summary>
public sealed class CallMonitorTests
{
    [Fact]
    public async Task A_subscriber_that_never_reads_keeps_only_the_newest_events_and_never_holds_up_a_call()
    {
        var monitor = new CallMonitor(TimeProvider.System);
        await monitor.StartAsync(CancellationToken.None);
        try
        {
            using var stuck = monitor.Subscribe();
            monitor.CallStarted("CAslow", "conversation-relay");
            for (var turn = 1; turn <= 500; turn++)
            {
                // Every stamp returns at once: the call's side is a non-blocking write.
                var timeline = new TurnTimeline(TimeProvider.System, "CAslow", turn, monitor);
                timeline.Mark(TurnHop.SocketReceived);
                timeline.Mark(TurnHop.ModelRequestSent);
            }
            monitor.CallEnded("CAslow");
            await WaitForAsync(() => monitor.Snapshot.Calls.Any(c => c is { CallId: "CAslow", State: "ended" }));

            var kept = new List<LiveCallEvent>();
            while (stuck.Events.TryRead(out var e)) kept.Add(e);
            Assert.Equal(CallMonitor.SubscriberCapacity, kept.Count);
            Assert.Equal("call-ended", kept[^1].Type);
            Assert.Equal(500, kept[^2].TurnId);
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_turns_hops_reach_every_subscriber_in_order_with_their_times_since_the_turn_began()
    {
        var clock = new ManualTimeProvider();
        var monitor = new CallMonitor(clock);
        await monitor.StartAsync(CancellationToken.None);
        try
        {
            using var browser = monitor.Subscribe();
            clock.Advance(TimeSpan.FromSeconds(1)); // a zero timestamp reads as "not stamped"
            var timeline = new TurnTimeline(clock, "CA1", 1, monitor);
            timeline.Mark(TurnHop.SocketReceived);
            clock.Advance(TimeSpan.FromMilliseconds(2));
            timeline.Mark(TurnHop.ModelRequestSent);
            clock.Advance(TimeSpan.FromMilliseconds(450));
            timeline.Mark(TurnHop.FirstModelDelta);

            var events = new List<LiveCallEvent>();
            while (events.Count < 3) events.Add(await browser.Events.ReadAsync().AsTask().DefaultTimeout());

            Assert.Equal(["socket-received", "model-request-sent", "first-model-delta"], events.Select(e => e.Hop));
            Assert.Equal([0, 2, 452], events.Select(e => e.Ms));
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_finished_call_carries_its_cost_in_the_ended_event_and_in_the_snapshot()
    {
        var clock = new ManualTimeProvider();
        var monitor = new CallMonitor(clock);
        await monitor.StartAsync(CancellationToken.None);
        try
        {
            using var browser = monitor.Subscribe();
            monitor.CallStarted("CAcost", "media-streams");
            clock.Advance(TimeSpan.FromSeconds(75));
            var cost = new VoiceAgent.Observability.Cost.CallCost
            {
                Currency = "USD", PricesAsOf = "2026-01-01", Total = 0.0451m, Carrier = 0.0340m, SpeechToText = 0.0055m, Model = 0.0031m,
                TextToSpeech = 0.0025m, CarrierMinutes = 2, SttSeconds = 43.5, InputTokens = 1200, CachedInputTokens = 800, OutputTokens = 90,
                TtsCharacters = 310,
            };
            monitor.CallEnded("CAcost", cost);

            LiveCallEvent ended;
            do ended = await browser.Events.ReadAsync().AsTask().DefaultTimeout();
            while (ended.Type != "call-ended");
            Assert.Equal(cost, ended.Cost);
            await WaitForAsync(() => monitor.Snapshot.Calls.Any(c => c is { CallId: "CAcost", State: "ended" }));
            var view = Assert.Single(monitor.Snapshot.Calls, c => c.CallId == "CAcost");
            Assert.Equal(0.0451m, view.Cost?.Total);
            Assert.Equal(clock.GetUtcNow(), view.EndedAt);
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_call_that_was_not_priced_ends_without_a_cost()
    {
        var monitor = new CallMonitor(new ManualTimeProvider());
        await monitor.StartAsync(CancellationToken.None);
        try
        {
            monitor.CallStarted("CAfree", "conversation-relay");
            monitor.CallEnded("CAfree");
            await WaitForAsync(() => monitor.Snapshot.Calls.Any(c => c is { CallId: "CAfree", State: "ended" }));
            Assert.Null(Assert.Single(monitor.Snapshot.Calls, c => c.CallId == "CAfree").Cost);
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            timeout.Token.ThrowIfCancellationRequested();
            await Task.Delay(10, timeout.Token);
        }
    }
}
