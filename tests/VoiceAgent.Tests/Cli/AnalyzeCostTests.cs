using System.Globalization;
using System.Text.Json;
using VoiceAgent.Cli.CommandLine;
using VoiceAgent.Cli.Analyze;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Cli;

/// <summary><c>voiceagent analyze</c>: cost per call, per minute and per turn, and caller-heard latency, from logs whose figures the test knows.</summary>
public sealed class AnalyzeCostTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Cost_is_reported_per_call_per_minute_and_per_turn_from_the_per_call_lines()
    {
        // Three calls: 0.01 for 60 s and 2 turns, 0.02 for 120 s and 3 turns, 0.06 for 180 s and 5 turns.
        var log = new List<string>
        {
            Cost("CA1", "media-streams", T0, 60, 2, 0.01),
            Cost("CA2", "media-streams", T0.AddMinutes(1), 120, 3, 0.02),
            Cost("CA3", "conversation-relay", T0.AddMinutes(2), 180, 5, 0.06),
            Summary("CA1", 1, "media-streams", T0),
        };

        var cost = (await AnalyzeJsonAsync(log)).GetProperty("cost");

        Assert.Equal("USD", cost.GetProperty("currency").GetString());
        Assert.Equal(3, cost.GetProperty("calls").GetInt32());
        Assert.Equal(0.09, cost.GetProperty("total").GetDouble(), 9);
        Assert.Equal(0.03, cost.GetProperty("perCallMean").GetDouble(), 9);
        Assert.Equal(0.02, cost.GetProperty("perCallP50").GetDouble(), 9);
        Assert.Equal(0.015, cost.GetProperty("perMinute").GetDouble(), 9); // 0.09 over 6 minutes
        Assert.Equal(0.009, cost.GetProperty("perTurn").GetDouble(), 9); // 0.09 over 10 turns
        Assert.Equal(0.045, cost.GetProperty("carrier").GetDouble(), 9); // half of each call's cost is its carrier share
    }

    [Fact]
    public async Task The_cost_follows_the_transport_filter()
    {
        var log = new List<string>
        {
            Cost("CA1", "media-streams", T0, 60, 2, 0.01),
            Cost("CA3", "conversation-relay", T0.AddMinutes(2), 180, 5, 0.06),
            Summary("CA3", 1, "conversation-relay", T0.AddMinutes(2)),
        };

        var cost = (await AnalyzeJsonAsync(log, "--transport", "relay")).GetProperty("cost");

        Assert.Equal(1, cost.GetProperty("calls").GetInt32());
        Assert.Equal(0.06, cost.GetProperty("total").GetDouble(), 9);
    }

    [Fact]
    public async Task Caller_heard_latency_joins_its_turn_and_gets_percentiles()
    {
        var log = new List<string>();
        for (var i = 1; i <= 4; i++)
        {
            log.Add(Summary("CAaudio", i, "media-streams", T0.AddSeconds(i)));
            log.Add(Event(2050, T0.AddSeconds(i), new() { ["CallId"] = "CAaudio", ["TurnId"] = i, ["Transport"] = "media-streams",
                ["SpeechEndToSentMs"] = 400.0 + i, ["SpeechEndToHeardMs"] = 700.0 + i, ["SentToHeardMs"] = 300.0 }));
        }

        var report = await AnalyzeJsonAsync(log);

        Assert.Equal(4, report.GetProperty("turns").GetInt32());
        var heard = report.GetProperty("hops").EnumerateArray().Single(h => h.GetProperty("key").GetString() == "audio_heard");
        Assert.Equal(4, heard.GetProperty("samples").GetInt32());
        Assert.Equal(702, heard.GetProperty("p50Ms").GetDouble());
        Assert.Equal(704, heard.GetProperty("p99Ms").GetDouble());
    }

    [Fact]
    public async Task The_text_report_shows_the_cost_section()
    {
        var (code, output, _) = await RunAsync(string.Join('\n', Cost("CA1", "media-streams", T0, 120, 4, 0.02), Summary("CA1", 1, "media-streams", T0)));

        Assert.Equal(0, code);
        Assert.Contains("Cost (USD", output, StringComparison.Ordinal);
        Assert.Contains("per minute 0.0100; per turn 0.0050", output, StringComparison.Ordinal);
    }

    private static string Cost(string callId, string transport, DateTimeOffset at, double seconds, int turns, double total) =>
        Event(1050, at, new()
        {
            ["CallId"] = callId, ["Transport"] = transport, ["DurationSeconds"] = seconds, ["Turns"] = turns, ["TotalCost"] = total, ["Currency"] = "USD",
            ["CarrierCost"] = total / 2, ["CarrierMinutes"] = Math.Ceiling(seconds / 60), ["SttCost"] = total / 4, ["SttSeconds"] = seconds,
            ["ModelCost"] = total / 8, ["InputTokens"] = 1000, ["CachedInputTokens"] = 0, ["OutputTokens"] = 100, ["TtsCost"] = total / 8, ["TtsCharacters"] = 400,
            ["PricesAsOf"] = "2025-06-01",
        });

    private static string Summary(string callId, int turnId, string transport, DateTimeOffset at) =>
        Event(2001, at, new()
        {
            ["CallId"] = callId, ["TurnId"] = turnId, ["Transport"] = transport, ["Outcome"] = "Completed",
            ["ReceiveToModelRequestMs"] = 0.5, ["ModelFirstDeltaMs"] = 300.0, ["FirstDeltaToFirstFrameMs"] = 0.02, ["FirstToLastFrameMs"] = 40.0, ["ReceiveToFirstFrameMs"] = 300.5,
        });

    // The shape of Microsoft.Extensions.Logging.Console's JSON formatter.
    private static string Event(int id, DateTimeOffset at, Dictionary<string, object?> state) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["Timestamp"] = at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), ["EventId"] = id, ["LogLevel"] = "Information",
        ["Category"] = "VoiceAgent.Observability.CallTelemetry", ["Message"] = "…", ["State"] = state,
    });

    private static async Task<JsonElement> AnalyzeJsonAsync(List<string> lines, params string[] options)
    {
        var (code, output, error) = await RunAsync(string.Join('\n', lines), ["--json", .. options]);
        Assert.True(code == 0, error);
        return JsonDocument.Parse(output).RootElement;
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string standardInput, params string[] options)
    {
        using var input = new StringReader(standardInput);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await VoiceAgentCli.InvokeAsync(["analyze", .. options], new CliConsole(input, output, error, Interactive: false), CancellationToken.None).DefaultTimeout();
        return (code, output.ToString(), error.ToString());
    }
}
