using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Hosting;
using VoiceAgent.Hosting.Warmup;
using VoiceAgent.Observability;
using VoiceAgent.Observability.Live;
using VoiceAgent.Storage.Records;
using VoiceAgent.Storage.Sessions;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Processes;

namespace VoiceAgent.Tests.Hosting.Warmup;

/// <summary>
/// No cold first turn: before the server takes calls, one whole ConversationRelay call has run through the real
/// connection handler, engine and model client, and the stores are connected; the warm-up call leaves no trace.
/// </summary>
public sealed class FirstTurnWarmupTests
{
    private static readonly string Warmed = $"[{EventIds.FirstTurnWarmed}]";
    private static readonly string WarmFailed = $"[{EventIds.FirstTurnWarmFailed}]";

    [Fact]
    public async Task Before_the_server_listens_a_warm_up_call_has_run_and_no_model_request_reached_the_provider()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["WELCOME_GREETING"] = "",
            ["Logging:LogLevel:VoiceAgent.Hosting.Warmup.FirstTurnWarmup"] = "Information",
        }, services: s => s.AddSingleton<ILoggerProvider>(logs));

        // StartAsync has returned, so the hosted services ran before the server listened; the warmed line is only
        // written when the call's reply was the lanes' canned one, streamed back to the caller end.
        Assert.Contains(logs.Lines, line => line.Contains(Warmed, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains(WarmFailed, StringComparison.Ordinal));
        Assert.Equal(0, server.Model.Requests.Count);
    }

    [Fact]
    public async Task The_warm_up_call_stores_nothing_in_the_session_store_or_the_records()
    {
        var (redisUrl, ownedRedis) = await RedisServer.SharedAsync();
        await using var _ = ownedRedis;
        var logs = new CapturingLoggerProvider();
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["WELCOME_GREETING"] = "",
            ["REDIS_URL"] = redisUrl,
            ["Logging:LogLevel:VoiceAgent.Hosting.Warmup.FirstTurnWarmup"] = "Information",
        }, services: s => s.AddSingleton<ILoggerProvider>(logs));
        Assert.Contains(logs.Lines, line => line.Contains(Warmed, StringComparison.Ordinal));

        var sessions = server.App.Services.GetRequiredService<ISessionStore>();
        Assert.IsNotType<InMemorySessionStore>(sessions); // the Redis store: its connection was what the warm-up opened
        Assert.Null(await sessions.LoadAsync(RelayWarmupCall.CallSid, CancellationToken.None).DefaultTimeout());
        Assert.DoesNotContain(await sessions.ListActiveAsync(CancellationToken.None).DefaultTimeout(), s => s.CallSid == RelayWarmupCall.CallSid);
        // A finished call's record is put on the transcript spool before its engine returns, so the warm-up's would be there now.
        var dataDir = server.App.Services.GetRequiredService<VoiceAgentSettings>().DataDir;
        var spool = Path.Combine(dataDir, "spool", "transcripts");
        Assert.Empty(Directory.Exists(spool) ? Directory.GetFiles(spool) : []);
        Assert.Empty(await server.App.Services.GetRequiredService<IRecordsStore>().ListTranscriptsAsync(CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task The_warm_up_call_is_neither_counted_in_the_call_metrics_nor_logged_as_a_call()
    {
        using var meters = new TestMeterFactory();
        var turns = 0;
        var callsStarted = 0;
        var firstRealTurn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name is VoiceAgentMetrics.Turns or VoiceAgentMetrics.ActiveCalls) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == VoiceAgentMetrics.Turns) { Interlocked.Increment(ref turns); firstRealTurn.TrySetResult(); }
            else if (value > 0) Interlocked.Increment(ref callsStarted);
        });
        listener.Start();
        var logs = new CapturingLoggerProvider();
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["WELCOME_GREETING"] = "",
            ["Logging:LogLevel:Default"] = "Debug",
        }, services: s =>
        {
            s.AddSingleton<IMeterFactory>(meters);
            s.AddSingleton<ILoggerProvider>(logs);
        });
        Assert.Contains(logs.Lines, line => line.Contains(Warmed, StringComparison.Ordinal));

        Assert.Equal(0, Volatile.Read(ref turns));
        Assert.Equal(0, Volatile.Read(ref callsStarted));
        // The same instruments' code did run on the warm-up's own meters, which a listener of its own enabled.
        Assert.True(ReportOf(server).Measurements > 0);
        Assert.DoesNotContain(logs.Lines, line => line.Contains(RelayWarmupCall.CallSid, StringComparison.Ordinal));

        // The same instruments do count a real call: the zeros above are the warm-up's, not a deaf listener's.
        server.Model.Enqueue(ChatReply.Text("Hello."));
        await using (var caller = await server.CallAsync())
            Assert.Equal("Hello.", await caller.AskAsync("Hi"));
        await firstRealTurn.Task.DefaultTimeout();
        Assert.Equal(1, Volatile.Read(ref callsStarted));
    }

    [Fact]
    public async Task The_warm_up_call_formats_its_log_lines_under_the_applications_levels_and_writes_none_of_them()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["WELCOME_GREETING"] = "",
            ["Logging:LogLevel:Default"] = "Debug",
        }, services: s => s.AddSingleton<ILoggerProvider>(logs));

        var report = ReportOf(server);
        Assert.True(report.LogLines > 0); // the call's lines (call started, hops, turn summary, ...) were formatted
        Assert.True(report.PreparedLogMethods > 0); // and the application's own providers' Log<TState> compiled for them, uncalled
        Assert.DoesNotContain(logs.Lines, line => line.Contains(RelayWarmupCall.CallSid, StringComparison.Ordinal)
            || line.Contains("+15550000000", StringComparison.Ordinal) || line.Contains($"[{EventIds.TurnCompleted}]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_warm_up_call_writes_its_session_snapshots_to_a_throwaway_store_and_nothing_to_redis()
    {
        var (redisUrl, ownedRedis) = await RedisServer.SharedAsync();
        await using var _ = ownedRedis;
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["WELCOME_GREETING"] = "",
            ["REDIS_URL"] = redisUrl,
        });

        Assert.True(ReportOf(server).SessionSnapshots > 0);
        Assert.Equal(0, server.App.Services.GetRequiredService<SessionWriter>().Writes);
        var store = server.App.Services.GetRequiredService<ISessionStore>();
        var callerKey = server.App.Services.GetRequiredService<CallerKeys>().For("+15550000000")!;
        Assert.Null(await store.LoadAsync(RelayWarmupCall.CallSid, CancellationToken.None).DefaultTimeout());
        Assert.Null(await store.FindRecentByCallerAsync(callerKey, TimeSpan.FromDays(1), CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task The_warm_up_calls_record_is_encoded_and_sealed_then_dropped_leaving_no_spool_file_or_transcript()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["WELCOME_GREETING"] = "" });

        Assert.Equal(1, ReportOf(server).Records);
        var dataDir = server.App.Services.GetRequiredService<VoiceAgentSettings>().DataDir;
        var spool = Path.Combine(dataDir, "spool", "transcripts");
        Assert.Empty(Directory.Exists(spool) ? Directory.GetFiles(spool) : []);
        Assert.Empty(await server.App.Services.GetRequiredService<IRecordsStore>().ListTranscriptsAsync(CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task The_warm_up_call_shows_on_a_private_live_view_and_never_on_the_dashboard()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["WELCOME_GREETING"] = "" });

        Assert.True(ReportOf(server).LiveEvents > 0);
        var dashboard = server.App.Services.GetRequiredService<CallMonitor>().Snapshot;
        Assert.DoesNotContain(dashboard.Calls, call => call.CallId == RelayWarmupCall.CallSid);
        Assert.All(dashboard.Latency, row => Assert.Equal(0, row.Samples));
    }

    [Fact]
    public async Task The_warm_up_calls_spans_are_built_on_a_source_of_their_own_that_no_listener_of_the_product_sees()
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        using var product = new ActivityListener
        {
            ShouldListenTo = source => source.Name == VoiceAgentTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => seen.Enqueue(activity.GetTagItem("voiceagent.call.id") as string),
        };
        ActivitySource.AddActivityListener(product);
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["WELCOME_GREETING"] = "" });

        Assert.True(ReportOf(server).Spans > 0);
        Assert.DoesNotContain(RelayWarmupCall.CallSid, seen);
    }

    [Fact]
    public async Task A_failing_warm_up_call_is_logged_and_the_server_still_starts()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["WELCOME_GREETING"] = "",
            ["Logging:LogLevel:VoiceAgent.Hosting.Warmup.FirstTurnWarmup"] = "Information",
        }, services: s => WithBrokenCallModel(s));

        Assert.Contains(logs.Lines, line => line.Contains(WarmFailed, StringComparison.Ordinal) && line.Contains("Step=call", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains(Warmed, StringComparison.Ordinal));
        using var health = await server.Http.GetAsync(new Uri(server.Address, "/healthz")).DefaultTimeout();
        Assert.True(health.IsSuccessStatusCode);

        void WithBrokenCallModel(IServiceCollection services)
        {
            services.AddSingleton<ILoggerProvider>(logs);
            // The calls' model client throws (the lanes, and their own warm-up, stay intact): the engine speaks its
            // fallback line instead of the canned reply, which the warm-up must report as a failure.
            var registered = services.Last(d => d.ServiceType == typeof(CallSessionDependencies));
            services.Remove(registered);
            services.AddSingleton(sp => ((CallSessionDependencies)registered.ImplementationFactory!(sp)) with
            {
                Model = new DelegateChatClient((_, _) => throw new InvalidOperationException("model client broken for the test")),
            });
        }
    }

    private static WarmupCallReport ReportOf(RelayServer server)
        => server.App.Services.GetServices<IHostedService>().OfType<FirstTurnWarmup>().Single().Report
           ?? throw new Xunit.Sdk.XunitException("the warm-up call did not succeed");
}
