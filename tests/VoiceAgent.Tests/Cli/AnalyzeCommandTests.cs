using System.Globalization;
using System.Text.Json;
using VoiceAgent.Cli.Analyze;
using VoiceAgent.Cli.CommandLine;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Cli;

/// <summary><c>voiceagent analyze</c> over logs whose true figures the test knows.</summary>
public sealed class AnalyzeCommandTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Percentiles_are_nearest_rank_over_every_turn_in_the_log()
    {
        // 100 turns over 10 calls, model first token 10, 20, …, 1000 ms: nearest rank gives p50 = 500, p95 = 950, p99 = 990.
        var log = new LogBuilder();
        for (var i = 1; i <= 100; i++) log.Summary($"CA{i % 10:D2}", i, "conversation-relay", T0.AddSeconds(i), modelFirstDeltaMs: i * 10);

        var report = await AnalyzeJsonAsync(log, "--json");

        Assert.Equal(10, report.GetProperty("calls").GetInt32());
        Assert.Equal(100, report.GetProperty("turns").GetInt32());
        var model = Hop(report, "model_first_token");
        Assert.Equal(100, model.GetProperty("samples").GetInt32());
        Assert.Equal(500, model.GetProperty("p50Ms").GetDouble());
        Assert.Equal(950, model.GetProperty("p95Ms").GetDouble());
        Assert.Equal(990, model.GetProperty("p99Ms").GetDouble());
        Assert.Equal("p95 over budget by 150.0 ms", model.GetProperty("verdict").GetString());
        Assert.False(model.GetProperty("p95Unstable").GetBoolean());
        Assert.False(model.GetProperty("p99Unstable").GetBoolean());
    }

    [Fact]
    public async Task The_audio_first_audio_line_joins_its_turn_by_call_and_turn_id()
    {
        var log = new LogBuilder();
        for (var i = 1; i <= 4; i++)
        {
            log.Summary("CAaudio", i, "media-streams", T0.AddSeconds(i), modelFirstDeltaMs: 100);
            log.FirstAudio("CAaudio", i, "media-streams", T0.AddSeconds(i), sttMs: 300 + i, ttsMs: 200, speechEndToAudioMs: 450 + i);
        }

        var report = await AnalyzeJsonAsync(log, "--json");

        Assert.Equal(4, report.GetProperty("turns").GetInt32());
        Assert.Equal(302, Hop(report, "stt").GetProperty("p50Ms").GetDouble());
        Assert.Equal(454, Hop(report, "audio_first_audio").GetProperty("p99Ms").GetDouble());
    }

    [Theory]
    [InlineData(19, true, true)]
    [InlineData(20, false, true)]
    [InlineData(100, false, false)]
    public async Task Percentiles_from_too_few_samples_are_flagged_unstable(int turns, bool p95Unstable, bool p99Unstable)
    {
        var log = new LogBuilder();
        for (var i = 1; i <= turns; i++) log.Summary("CA1", i, "conversation-relay", T0.AddSeconds(i), modelFirstDeltaMs: i);

        var model = Hop(await AnalyzeJsonAsync(log, "--json"), "model_first_token");

        Assert.Equal(p95Unstable, model.GetProperty("p95Unstable").GetBoolean());
        Assert.Equal(p99Unstable, model.GetProperty("p99Unstable").GetBoolean());
    }

    [Fact]
    public async Task The_text_report_marks_unstable_percentiles_and_shows_the_budget()
    {
        var log = new LogBuilder();
        for (var i = 1; i <= 5; i++) log.Summary("CA1", i, "conversation-relay", T0.AddSeconds(i), modelFirstDeltaMs: 100 * i);

        var (code, output, _) = await RunAsync(log.ToString(), "--transport", "relay");

        Assert.Equal(0, code);
        var line = output.Split('\n').Single(l => l.StartsWith("first model token", StringComparison.Ordinal));
        Assert.Contains("~500.0", line, StringComparison.Ordinal);
        Assert.Contains("400–800", line, StringComparison.Ordinal);
        Assert.Contains("too few samples", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filtering_by_call_keeps_only_that_calls_turns()
    {
        var log = new LogBuilder();
        log.Summary("CAone", 1, "conversation-relay", T0, modelFirstDeltaMs: 100);
        log.Summary("CAone", 2, "conversation-relay", T0, modelFirstDeltaMs: 200);
        log.Summary("CAtwo", 1, "conversation-relay", T0, modelFirstDeltaMs: 900);

        var report = await AnalyzeJsonAsync(log, "--json", "--call", "CAtwo");

        Assert.Equal(1, report.GetProperty("turns").GetInt32());
        Assert.Equal(900, Hop(report, "model_first_token").GetProperty("p50Ms").GetDouble());
    }

    [Fact]
    public async Task Filtering_by_transport_keeps_that_transports_turns_and_budget_rows()
    {
        var log = new LogBuilder();
        log.Summary("CArelay", 1, "conversation-relay", T0, modelFirstDeltaMs: 100);
        log.Summary("CAmedia", 1, "media-streams", T0, modelFirstDeltaMs: 700);
        log.FirstAudio("CAmedia", 1, "media-streams", T0, sttMs: 310, ttsMs: 210, speechEndToAudioMs: 480);

        var report = await AnalyzeJsonAsync(log, "--json", "--transport", "media");

        Assert.Equal(1, report.GetProperty("turns").GetInt32());
        Assert.Equal(700, Hop(report, "model_first_token").GetProperty("p50Ms").GetDouble());
        Assert.Equal(310, Hop(report, "stt").GetProperty("p50Ms").GetDouble());
        Assert.DoesNotContain(report.GetProperty("hops").EnumerateArray(), h => h.GetProperty("key").GetString() == "relay_first_frame");
    }

    [Fact]
    public async Task Filtering_by_time_window_includes_since_and_excludes_until()
    {
        var log = new LogBuilder();
        for (var i = 0; i < 10; i++) log.Summary("CA1", i + 1, "conversation-relay", T0.AddMinutes(i), modelFirstDeltaMs: i);

        var report = await AnalyzeJsonAsync(log, "--json", "--since", Iso(T0.AddMinutes(3)), "--until", Iso(T0.AddMinutes(6)));

        Assert.Equal(3, report.GetProperty("turns").GetInt32());
        Assert.Equal([3.0, 4.0, 5.0], [Hop(report, "model_first_token").GetProperty("p50Ms").GetDouble() - 1, 4.0, Hop(report, "model_first_token").GetProperty("p99Ms").GetDouble()]);
    }

    [Fact]
    public async Task Malformed_lines_are_skipped_and_counted_not_fatal()
    {
        var log = new LogBuilder();
        log.Summary("CA1", 1, "conversation-relay", T0, modelFirstDeltaMs: 100);
        log.Raw("this is not json");
        log.Raw("{\"EventId\":2001,\"State\":{\"TurnId\":2}"); // cut off
        log.Raw("[1,2,3]");
        log.Raw("{\"Timestamp\":\"2026-12-07T02:00:00.000Z\",\"EventId\":2001,\"State\":{\"TurnId\":3}}"); // no CallId
        log.Raw("");
        log.Summary("CA1", 4, "conversation-relay", T0, modelFirstDeltaMs: 300);

        var report = await AnalyzeJsonAsync(log, "--json");

        Assert.Equal(2, report.GetProperty("turns").GetInt32());
        Assert.Equal(4, report.GetProperty("skippedLines").GetInt32());
        Assert.Equal(2, report.GetProperty("firstSkippedLine").GetInt32());
    }

    [Fact]
    public async Task It_reads_a_log_file_given_with_file()
    {
        var log = new LogBuilder();
        log.Summary("CA1", 1, "conversation-relay", T0, modelFirstDeltaMs: 123);
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, log.ToString());
            var (code, output, _) = await RunAsync("", "--file", path, "--json");
            Assert.Equal(0, code);
            Assert.Equal(123, Hop(JsonDocument.Parse(output).RootElement, "model_first_token").GetProperty("p50Ms").GetDouble());
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("--turns", "3")]
    [InlineData("--transport", "pstn")]
    [InlineData("--since", "yesterday")]
    [InlineData("--json", "yes")]
    [InlineData("--file", "/nonexistent/server.log")]
    public async Task A_bad_option_or_value_is_a_clear_error_with_exit_code_2(string name, string value)
    {
        var (code, output, error) = await RunAsync("", name, value);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains(name, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_without_turns_exits_1_and_says_why()
    {
        var (code, _, error) = await RunAsync("{\"EventId\":1000,\"State\":{}}\n", "--json");

        Assert.Equal(1, code);
        Assert.Contains("no turn summaries", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_real_server_log_gives_the_number_of_turns_the_calls_had()
    {
        await using var server = await JsonLogServer.StartAsync();
        foreach (var turns in new[] { 2, 1, 3 })
        {
            await using var caller = await server.CallAsync(RelayServer.NewCallSid());
            for (var i = 0; i < turns; i++) await caller.AskAsync($"Question {i}");
        }
        await server.WaitForLinesAsync("\"EventId\":2001", 6);

        var (code, output, _) = await RunAsync("", "--file", server.LogPath, "--json");

        Assert.Equal(0, code);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal(3, report.GetProperty("calls").GetInt32());
        Assert.Equal(6, report.GetProperty("turns").GetInt32());
        Assert.Equal(0, report.GetProperty("skippedLines").GetInt32());
        Assert.Equal(6, Hop(report, "model_first_token").GetProperty("samples").GetInt32());
        Assert.Equal(6, Hop(report, "relay_first_frame").GetProperty("samples").GetInt32());
    }

    private static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static JsonElement Hop(JsonElement report, string key) =>
        report.GetProperty("hops").EnumerateArray().Single(h => h.GetProperty("key").GetString() == key);

    private static async Task<JsonElement> AnalyzeJsonAsync(LogBuilder log, params string[] options)
    {
        var (code, output, error) = await RunAsync(log.ToString(), options);
        Assert.True(code == 0, error);
        return JsonDocument.Parse(output).RootElement;
    }

    /// <summary>Runs the command with <paramref name="standardInput"/> as its standard input.</summary>
    private static async Task<(int Code, string Output, string Error)> RunAsync(string standardInput, params string[] options)
    {
        using var input = new StringReader(standardInput);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await VoiceAgentCli.InvokeAsync(["analyze", .. options], new CliConsole(input, output, error, Interactive: false), CancellationToken.None).DefaultTimeout();
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Lines in the shape of Microsoft.Extensions.Logging.Console's JSON formatter.</summary>
    private sealed class LogBuilder
    {
        private readonly System.Text.StringBuilder _lines = new();

        public void Summary(string callId, int turnId, string transport, DateTimeOffset at, double modelFirstDeltaMs) =>
            Event(2001, at, new Dictionary<string, object?>
            {
                ["CallId"] = callId, ["TurnId"] = turnId, ["Transport"] = transport, ["Outcome"] = "Completed",
                ["ReceiveToModelRequestMs"] = 0.5, ["ModelFirstDeltaMs"] = modelFirstDeltaMs, ["FirstDeltaToFirstFrameMs"] = 0.02,
                ["FirstToLastFrameMs"] = 40.0, ["ReceiveToFirstFrameMs"] = modelFirstDeltaMs + 0.5,
            });

        public void FirstAudio(string callId, int turnId, string transport, DateTimeOffset at, double sttMs, double ttsMs, double speechEndToAudioMs) =>
            Event(5010, at, new Dictionary<string, object?>
            {
                ["CallId"] = callId, ["TurnId"] = turnId, ["Transport"] = transport, ["SpeechEndToAudioMs"] = speechEndToAudioMs,
                ["ServerShareMs"] = 1.0, ["SttMs"] = sttMs, ["ModelMs"] = null, ["TtsMs"] = ttsMs,
            });

        public void Raw(string line) => _lines.Append(line).Append('\n');

        private void Event(int id, DateTimeOffset at, Dictionary<string, object?> state) =>
            Raw(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["Timestamp"] = Iso(at), ["EventId"] = id, ["LogLevel"] = "Information", ["Category"] = "VoiceAgent.Conversation.CallSession",
                ["Message"] = "…", ["State"] = state,
            }));

        public override string ToString() => _lines.ToString();
    }
}
