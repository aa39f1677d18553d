using System.Text.Json;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Server;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>LOG_FORMAT=json on the real server program: what a relay call leaves in the log.</summary>
public sealed class JsonLogTests
{
    private const int TurnSummary = 2001;
    private const int TurnHop = 2000;

    [Fact]
    public async Task With_json_logs_every_line_is_a_json_object_and_each_turn_has_exactly_one_information_summary_with_call_and_turn_ids()
    {
        await using var server = await JsonLogServer.StartAsync();
        var callSid = RelayServer.NewCallSid();
        await using (var caller = await server.CallAsync(callSid))
        {
            await caller.AskAsync("When are you open?");
            await caller.AskAsync("And on Sundays?");
            await caller.AskAsync("Thanks, bye.");
        }

        var lines = await server.WaitForLinesAsync("\"EventId\":2001", 3);
        var events = lines.Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        var summaries = events.Where(e => e.GetProperty("EventId").GetInt32() == TurnSummary).ToList();
        Assert.Equal(3, summaries.Count);
        Assert.All(summaries, e => Assert.Equal("Information", e.GetProperty("LogLevel").GetString()));
        Assert.All(summaries, e => Assert.Equal(callSid, e.GetProperty("State").GetProperty("CallId").GetString()));
        Assert.Equal([1, 2, 3], summaries.Select(e => e.GetProperty("State").GetProperty("TurnId").GetInt32()).Order());
        Assert.All(summaries, e => Assert.Equal("conversation-relay", e.GetProperty("State").GetProperty("Transport").GetString()));
        Assert.All(summaries, e => Assert.Equal(JsonValueKind.Number, e.GetProperty("State").GetProperty("ModelFirstDeltaMs").ValueKind));
        Assert.DoesNotContain(events, e => e.GetProperty("EventId").GetInt32() == TurnHop);
    }

    [Fact]
    public async Task Per_hop_events_are_logged_at_debug_with_the_same_call_and_turn_ids()
    {
        await using var server = await JsonLogServer.StartAsync(callSessionLevel: "Debug");
        var callSid = RelayServer.NewCallSid();
        await using (var caller = await server.CallAsync(callSid))
            await caller.AskAsync("When are you open?");

        var lines = await server.WaitForLinesAsync("\"EventId\":2001", 1);
        var hops = lines.Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .Where(e => e.GetProperty("EventId").GetInt32() == TurnHop).ToList();
        Assert.NotEmpty(hops);
        Assert.All(hops, e => Assert.Equal("Debug", e.GetProperty("LogLevel").GetString()));
        Assert.All(hops, e => Assert.Equal(callSid, e.GetProperty("State").GetProperty("CallId").GetString()));
        Assert.All(hops, e => Assert.Equal(1, e.GetProperty("State").GetProperty("TurnId").GetInt32()));
        Assert.Contains(hops, e => e.GetProperty("State").GetProperty("Hop").GetString() == "FirstTokenSent");
    }

    [Fact]
    public async Task The_callers_phone_number_never_appears_in_the_log()
    {
        await using var server = await JsonLogServer.StartAsync(callSessionLevel: "Debug");
        await using (var caller = await server.CallAsync(RelayServer.NewCallSid(), from: "+15557654321"))
            await caller.AskAsync("Call me back on +15557654321 please.");

        var lines = await server.WaitForLinesAsync("\"EventId\":2001", 1);
        Assert.DoesNotContain(lines, line => line.Contains("7654321", StringComparison.Ordinal));
    }

    [Fact]
    public async Task On_media_streams_the_turn_summary_and_the_first_audio_line_share_call_and_turn_ids()
    {
        await using var server = await JsonLogServer.StartAsync(audio: true);
        server.Stt!.EnqueueTranscript("What are your opening hours?");
        server.Model.Enqueue(ChatReply.Text("We are open ", "from nine to five."));
        await using (var caller = await server.CallMediaAsync())
        {
            await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("What are your opening hours?")).DefaultTimeout();
            await caller.WaitForAudioAsync(8000).DefaultTimeout();
        }

        await server.WaitForLinesAsync("\"EventId\":5010", 1);
        var lines = await server.WaitForLinesAsync("\"EventId\":2001", 1);
        var events = lines.Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        var summary = events.Single(e => e.GetProperty("EventId").GetInt32() == TurnSummary).GetProperty("State");
        var firstAudio = events.Single(e => e.GetProperty("EventId").GetInt32() == 5010);
        Assert.Equal("Information", firstAudio.GetProperty("LogLevel").GetString());
        Assert.Equal("media-streams", summary.GetProperty("Transport").GetString());
        Assert.Equal(summary.GetProperty("CallId").GetString(), firstAudio.GetProperty("State").GetProperty("CallId").GetString());
        Assert.Equal(summary.GetProperty("TurnId").GetInt32(), firstAudio.GetProperty("State").GetProperty("TurnId").GetInt32());
        Assert.Equal(JsonValueKind.Number, firstAudio.GetProperty("State").GetProperty("SpeechEndToAudioMs").ValueKind);
    }

    [Fact]
    public async Task An_unknown_log_format_stops_start_up_and_names_the_fix()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => VoiceAgentServer.BuildAsync([], new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["LOG_FORMAT"] = "xml",
        }));
        Assert.Contains("LOG_FORMAT=json", error.Message, StringComparison.Ordinal);
    }
}
