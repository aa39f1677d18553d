using System.Diagnostics;
using VoiceAgent.Cli;
using VoiceAgent.Cli.Bench;
using VoiceAgent.Cli.Bench.Outside;

namespace VoiceAgent.Tests.Cli.Bench;

/// <summary>The outside bench's arithmetic: percentiles, per-turn figures on one clock, ratios, /proc parsing, options.</summary>
public sealed class OutsideBenchLogicTests
{
    private static readonly long Ms = Stopwatch.Frequency / 1000;

    [Fact]
    public void PercentilesAreNearestRank()
    {
        var stats = LatencyStats.Of(Enumerable.Range(1, 100).Select(i => (double)i).Reverse().ToArray());

        Assert.Equal(100, stats.Count);
        Assert.Equal(50, stats.Median);
        Assert.Equal(99, stats.P99);
        Assert.Equal(100, stats.Max);
    }

    [Fact]
    public void TurnFiguresPutCallerAndStandInOnOneClock()
    {
        var trace = new TurnTrace(3) { PromptSentAt = 1000 * Ms };
        trace.ModelAsked(1002 * Ms);
        trace.DeltaSent(0, "Hello ", 1300 * Ms);
        trace.DeltaSent(1, "there ", 1315 * Ms);
        trace.DeltaSent(2, "friend.", 1330 * Ms);
        // The server merged the first two deltas into one frame, then sent the last with last:true.
        trace.FrameReceived("Hello there ", 1316 * Ms);
        trace.FrameReceived("friend.", 1331 * Ms);
        trace.Completed = true;

        var figures = trace.Measure();

        Assert.True(figures.Ok, figures.Failure);
        Assert.Equal(2, figures.IngressMs, 6);
        Assert.Equal(16, figures.EgressMs, 6);
        Assert.Equal([16.0, 1.0, 1.0], figures.TokenMs.Select(t => Math.Round(t, 6)));
    }

    [Fact]
    public void ATurnWhoseTextNeverArrivedIsFailedWithTheReason()
    {
        var trace = new TurnTrace(2) { PromptSentAt = 0 };
        trace.ModelAsked(1 * Ms);
        trace.DeltaSent(0, "Hello ", 2 * Ms);
        trace.DeltaSent(1, "there", 3 * Ms);
        trace.FrameReceived("Hello ", 4 * Ms);
        trace.Completed = true;

        var figures = trace.Measure();

        Assert.False(figures.Ok);
        Assert.Contains("delta 1", figures.Failure);
    }

    [Fact]
    public void ATurnTheModelNeverHeardOfIsFailedWithWhatTheServerSaidInstead()
    {
        var trace = new TurnTrace(1) { PromptSentAt = 0, Completed = true };
        trace.FrameReceived("Let me connect you ", 5 * Ms);
        trace.FrameReceived("with a person.", 6 * Ms);

        Assert.Equal("the model stand-in was never asked; the server answered \"Let me connect you with a person.\"", trace.Measure().Failure);
    }

    [Theory]
    [InlineData("probe")]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("42")]
    [InlineData("999")]
    public void TheCallersPromptsNeverTripTheServersEscalationTriggers(string call)
    {
        // The server's own monitor with its defaults (loop, person request, sentiment all on).
        var monitor = new VoiceAgent.Conversation.Escalation.EscalationMonitor(new VoiceAgent.Conversation.EscalationOptions());

        for (var turn = 0; turn < 40; turn++)
        {
            var decision = monitor.Observe(TurnTimeline.Prompt(call, turn));
            Assert.True(decision is null, $"turn {turn} of call {call} would be handed over: {decision?.Reason}");
        }
    }

    [Fact]
    public void EveryPromptCarriesTheTagTheTimelineMatchesOn()
    {
        var timeline = new TurnTimeline(1);
        var traces = Enumerable.Range(0, 12).Select(turn => timeline.Begin("probe", turn)).ToArray();

        for (var turn = 0; turn < traces.Length; turn++)
        {
            var request = new VoiceAgent.Emulators.ChatScript.RecordedChatRequest { Model = "m", RawJson = "{}", Messages = [new("user", TurnTimeline.Prompt("probe", turn))] };
            timeline.RequestAccepted(request, 100 + turn);
        }

        for (var turn = 0; turn < traces.Length; turn++)
        {
            traces[turn].FrameReceived("x", 1);
            traces[turn].Completed = true;
            Assert.DoesNotContain("never asked", traces[turn].Measure().Failure);
        }
    }

    [Fact]
    public void AnEndFrameIsReportedByItsReasonWithoutTheCallersWords()
    {
        var data = VoiceAgent.Conversation.Handoff.Json(VoiceAgent.Conversation.Handoff.LiveAgent, "the caller asked for a person", "CA1",
            DateTimeOffset.UnixEpoch, summary: "The caller said: \"my card is 4111\".");

        var reason = RelayLoadCall.EndReason(data);

        Assert.Equal("live-agent-handoff (the caller asked for a person)", reason);
        Assert.Equal("hand-off data is not JSON", RelayLoadCall.EndReason("{"));
        Assert.Equal("no hand-off data", RelayLoadCall.EndReason(null));
    }

    [Fact]
    public void TheTimelineMatchesTheStandInsRequestToTheCallersTurnByThePromptTag()
    {
        var timeline = new TurnTimeline(1);
        var trace = timeline.Begin("7", 2);
        var request = new VoiceAgent.Emulators.ChatScript.RecordedChatRequest
        {
            Model = "m",
            RawJson = "{}",
            Messages = [new("user", TurnTimeline.Prompt("7", 2))],
        };

        timeline.RequestAccepted(request, 42);
        timeline.TextDeltaSent(request, 0, "Hi ", 43);
        trace.FrameReceived("Hi ", 44);
        trace.Completed = true;

        var figures = trace.Measure();
        Assert.True(figures.Ok, figures.Failure);
        Assert.Equal(42 * 1000.0 / Stopwatch.Frequency, figures.IngressMs, 9);
    }

    [Fact]
    public void RatiosAreCandidateOverBaselinePerLevelAndNaWhereEitherLacksTheFigure()
    {
        LevelResult[] results =
        [
            Result("baseline", 200, ingressP99: 60, cpu: 8, alloc: 440_000),
            Result("candidate", 200, ingressP99: 6, cpu: 2, alloc: null),
            Result("candidate", 500, ingressP99: 9, cpu: 2, alloc: 10_000),
        ];

        var ratio = Assert.Single(OutsideReport.Ratios(results));

        Assert.Equal(200, ratio.Calls);
        Assert.Equal(0.1, ratio.IngressP99!.Value, 9);
        Assert.Equal(0.25, ratio.CpuPerTurn!.Value, 9);
        Assert.Equal(9 / 63.0, ratio.ServerAddedP99!.Value, 9);
        Assert.Null(ratio.AllocPerTurn);
        Assert.Contains("| 200 | 0.10 |", OutsideReport.RatioTable([ratio]));
    }

    [Fact]
    public void TheJsonReportKeepsEveryLevelAndWritesMissingFiguresAsNull()
    {
        var run = new OutsideBenchRun("2 cores", "settings", [Result("candidate", 50, 1, 1, null)], []);

        var json = OutsideReport.Json(run);

        Assert.Contains("\"calls\": 50", json);
        Assert.Contains("\"allocatedBytesPerTurn\": null", json);
    }

    [Fact]
    public void CpuSecondsAreUserPlusSystemTicksEvenWithParenthesesInTheCommandName()
    {
        const string stat = "4242 (dotnet (x) y) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 12 0 300 100000 2000 18446744073709551615";

        Assert.Equal(3.0, ProcReader.ParseCpuSeconds(stat), 9);
    }

    [Fact]
    public void ProcReaderReadsALiveProcess()
    {
        Assert.True(ProcReader.Supported);
        var reader = new ProcReader(Environment.ProcessId);

        var resident = reader.ResidentKb();
        var peak = reader.PeakResidentKb(); // read after: the peak can only have grown since

        Assert.True(reader.CpuSeconds() > 0);
        Assert.True(resident > 0);
        Assert.True(peak >= resident);
    }

    [Fact]
    public void ARunningServerWithoutTheStandInsPortIsRefused()
    {
        var args = Lookup("--server-url", "http://127.0.0.1:8080");

        var error = Assert.Throws<ArgumentException>(() => OutsideBenchOptions.From(args));
        Assert.Contains("--model-port", error.Message);
    }

    [Fact]
    public void LevelsAndStandInSettingsAreParsed()
    {
        var args = Lookup("--server-dir", "/tmp/x", "--levels", "2,10", "--tokens", "7", "--first-token-ms", "20", "--server-env", "A=1,B=x=y");

        var options = OutsideBenchOptions.From(args);

        Assert.Equal([2, 10], options.Levels);
        Assert.Equal(7, options.Tokens);
        Assert.Equal(TimeSpan.FromMilliseconds(20), options.FirstToken);
        Assert.Equal("x=y", options.ServerEnvironment["B"]);
        Assert.Equal("/tmp/x", options.Candidate.PublishedDir);
        Assert.Null(options.Baseline);
    }

    /// <summary>Option text as the command line hands it over: name, value, name, value…</summary>
    private static Func<string, string?> Lookup(params string[] pairs)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < pairs.Length; i += 2) values[pairs[i]] = pairs[i + 1];
        return name => values.GetValueOrDefault(name);
    }

    private static LevelResult Result(string target, int calls, double ingressP99, double cpu, double? alloc) => new()
    {
        Target = target,
        Source = "test",
        Calls = calls,
        Turns = calls * 5,
        FailedTurns = 0,
        IngressMs = new LatencyStats(10, 1, 2, ingressP99, ingressP99),
        EgressMs = new LatencyStats(10, 1, 2, 3, 3),
        TokenRelayMs = new LatencyStats(10, 1, 2, 3, 3),
        ServerAddedMs = new LatencyStats(10, 2, 4, ingressP99 + 3, ingressP99 + 3),
        DurationSeconds = 10,
        CpuMsPerTurn = cpu,
        AllocatedBytesPerTurn = alloc,
    };
}
