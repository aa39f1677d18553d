using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Hosting;
using VoiceAgent.Hosting.Drain;
using VoiceAgent.Hosting.Memory;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Hosting.Memory;

/// <summary>
/// The server gives a wave of ended calls' memory back: real ConversationRelay calls over real sockets, the live-call
/// count the server keeps, and the reclaimer sampled at times the test picks (the server's clock is a manual one that
/// the test never moves, so the reclaimer's own once-a-second loop stays still and cannot race the test).
/// </summary>
public sealed class MemoryReclaimerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task When_every_call_of_a_wave_has_hung_up_one_compacting_collection_runs_after_the_quiet_period()
    {
        await using var server = await StartAsync();
        using var reclaims = new ReclaimListener(server.App.Services);
        var reclaimer = server.App.Services.GetRequiredService<MemoryReclaimer>();
        var callers = await OpenCallsAsync(server, 3);
        Assert.Equal(ReclaimMode.None, reclaimer.Sample(T0));

        foreach (var caller in callers) await caller.DisposeAsync();
        await WaitForLiveCallsAsync(server, 0);
        var gen2Before = GC.CollectionCount(2);

        Assert.Equal(ReclaimMode.None, reclaimer.Sample(T0.AddSeconds(1)));
        Assert.Empty(reclaims.Modes);
        Assert.Equal(ReclaimMode.Aggressive, reclaimer.Sample(T0.AddSeconds(11)));
        Assert.Equal(["aggressive"], reclaims.Modes);
        Assert.True(GC.CollectionCount(2) > gen2Before, "the compacting collection ran a full (gen2) collection");
        Assert.Equal(ReclaimMode.None, reclaimer.Sample(T0.AddSeconds(30))); // one reclaim per wave

        await using var next = await server.CallAsync(); // the server goes on serving
        Assert.False(string.IsNullOrEmpty(await next.AskAsync("Are you still there?")));
    }

    [Fact]
    public async Task When_a_wave_ends_while_another_call_goes_on_the_collection_runs_in_the_background_and_that_call_is_served()
    {
        await using var server = await StartAsync();
        using var reclaims = new ReclaimListener(server.App.Services);
        var reclaimer = server.App.Services.GetRequiredService<MemoryReclaimer>();
        await using var staying = await server.CallAsync();
        Assert.False(string.IsNullOrEmpty(await staying.AskAsync("Hello?")));
        var wave = await OpenCallsAsync(server, 3);
        Assert.Equal(ReclaimMode.None, reclaimer.Sample(T0));

        foreach (var caller in wave) await caller.DisposeAsync();
        await WaitForLiveCallsAsync(server, 1);
        Assert.Equal(ReclaimMode.None, reclaimer.Sample(T0.AddSeconds(1)));
        Assert.Equal(ReclaimMode.Background, reclaimer.Sample(T0.AddSeconds(11)));
        Assert.Equal(["background"], reclaims.Modes);
        Assert.False(string.IsNullOrEmpty(await staying.AskAsync("And now?")));
    }

    [Fact]
    public async Task Calls_ending_one_by_one_below_the_threshold_are_no_wave()
    {
        await using var server = await StartAsync();
        using var reclaims = new ReclaimListener(server.App.Services);
        var reclaimer = server.App.Services.GetRequiredService<MemoryReclaimer>();
        var callers = await OpenCallsAsync(server, 2);
        Assert.Equal(ReclaimMode.None, reclaimer.Sample(T0));
        foreach (var caller in callers) await caller.DisposeAsync();
        await WaitForLiveCallsAsync(server, 0);
        Assert.Equal(ReclaimMode.None, reclaimer.Sample(T0.AddSeconds(1)));
        Assert.Equal(ReclaimMode.None, reclaimer.Sample(T0.AddMinutes(5)));
        Assert.Empty(reclaims.Modes);
    }

    [Fact]
    public void The_settings_have_documented_defaults_and_bad_values_are_listed_with_their_fix()
    {
        var defaults = From();
        Assert.Equal(20, defaults.MemoryReclaimAfterCalls);
        Assert.Equal(TimeSpan.FromSeconds(10), defaults.MemoryReclaimQuiet);
        Assert.Empty(defaults.Validate());
        Assert.Equal(0, From(("MEMORY_RECLAIM_AFTER_CALLS", "0")).MemoryReclaimAfterCalls);

        var errors = From(("MEMORY_RECLAIM_AFTER_CALLS", "-1"), ("MEMORY_RECLAIM_QUIET_MS", "0")).Validate();
        Assert.Contains(errors, e => e.StartsWith("MEMORY_RECLAIM_AFTER_CALLS must be 0 (off) or a number of calls", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("MEMORY_RECLAIM_QUIET_MS", StringComparison.Ordinal));
    }

    private static VoiceAgentSettings From(params (string Key, string Value)[] values)
        => VoiceAgentSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    private static Task<RelayServer> StartAsync() => RelayServer.StartAsync(new Dictionary<string, string?>
    {
        ["MEMORY_RECLAIM_AFTER_CALLS"] = "3",
        ["MEMORY_RECLAIM_QUIET_MS"] = "10000",
        ["WEBSOCKET_KEEPALIVE_INTERVAL_MS"] = RelayServer.LongTimeoutMs,
        ["WEBSOCKET_KEEPALIVE_TIMEOUT_MS"] = RelayServer.LongTimeoutMs,
    }, services: s => s.AddSingleton<TimeProvider>(new ManualTimeProvider()));

    /// <summary>Opens calls that have each had a turn answered, so the server is serving every one of them.</summary>
    private static async Task<List<ConversationRelayCaller>> OpenCallsAsync(RelayServer server, int count)
    {
        var callers = new List<ConversationRelayCaller>();
        for (var i = 0; i < count; i++)
        {
            var caller = await server.CallAsync();
            Assert.False(string.IsNullOrEmpty(await caller.AskAsync($"Question {i}: what are your opening hours?")));
            callers.Add(caller);
        }
        return callers;
    }

    /// <summary>Waits (bounded; a hang guard, not a speed limit) until the server has let go of the calls that hung up.</summary>
    private static async Task WaitForLiveCallsAsync(RelayServer server, int live)
    {
        var calls = server.App.Services.GetRequiredService<LiveCalls>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (calls.Count != live)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{calls.Count} calls still live, expected {live}");
            await Task.Delay(20);
        }
    }

    /// <summary>This server's reclaim counter only (other tests' servers share the process).</summary>
    private sealed class ReclaimListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<string> _modes = new();

        public ReclaimListener(IServiceProvider services)
        {
            var scope = services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == scope && instrument.Name == MemoryReclaimer.Reclaims) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                foreach (var tag in tags) if (tag.Key == "mode") _modes.Enqueue(tag.Value as string ?? "");
            });
            _listener.Start();
        }

        public string[] Modes => [.. _modes];

        public void Dispose() => _listener.Dispose();
    }
}
