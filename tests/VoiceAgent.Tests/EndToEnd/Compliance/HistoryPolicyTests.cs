using System.Text.Json;
using VoiceAgent.Conversation.History;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd.Compliance;

/// <summary>
/// Each history policy over real ConversationRelay sockets against the Anthropic emulator: what the model is sent
/// as a call grows (rolling window of turns, older turns replaced by a model-made summary, hand-off at the cap) and
/// a request over the token budget that is folded and summarised instead of failing.
/// </summary>
public sealed class HistoryPolicyTests
{
    [Fact]
    public async Task Rolling_keeps_the_last_turns_and_summarises_nothing()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["HISTORY_POLICY"] = "rolling", ["HISTORY_TURNS"] = "4" });
        await using var caller = await server.CallAsync();
        for (var i = 1; i <= 4; i++) await caller.AskAsync($"question number {i}");

        var last = server.Model.Requests.Received[^1];
        var said = CallerTurns(last);
        Assert.Equal(["question number 3", "question number 4"], said);
        Assert.DoesNotContain(server.Model.Requests.Received, r => r.System == HistorySummarizer.Instruction);
    }

    [Fact]
    public async Task Summarize_replaces_the_turns_that_left_the_window_with_a_summary_made_off_the_hot_path()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["HISTORY_POLICY"] = "summarize", ["HISTORY_TURNS"] = "2" });
        await using var caller = await server.CallAsync();
        await caller.AskAsync("question number 1");
        await caller.AskAsync("question number 2");

        // The first exchange left the window: a summary request goes to the model beside the turn.
        var summary = await WaitForRequestAsync(server, r => r.System == HistorySummarizer.Instruction);
        Assert.Contains("Caller: question number 1", summary.LastUserText, StringComparison.Ordinal);
        RecordedChatRequest? withNotes = null;
        for (var i = 3; i <= 8 && withNotes is null; i++)
        {
            await caller.AskAsync($"question number {i}");
            var request = server.Model.Requests.Received.Last(r => r.System != HistorySummarizer.Instruction);
            if (request.RawJson.Contains("Notes on the earlier part of this call", StringComparison.Ordinal)) withNotes = request;
        }
        Assert.NotNull(withNotes);
        Assert.DoesNotContain("question number 1", CallerTurns(withNotes, server));
    }

    [Fact]
    public async Task Handoff_keeps_every_turn_and_hands_the_call_to_a_person_at_the_cap()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["HISTORY_POLICY"] = "handoff", ["HISTORY_TURNS"] = "2", ["HISTORY_HARD_CAP_TURNS"] = "3",
        });
        await using var caller = await server.CallAsync();
        for (var i = 1; i <= 3; i++) await caller.AskAsync($"question number {i}");
        Assert.Equal(["question number 1", "question number 2", "question number 3"], CallerTurns(server.Model.Requests.Received[^1]));

        await caller.SendPromptAsync("question number 4").DefaultTimeout();
        Assert.Equal(new HistoryPolicyOptions().HardCapLine, (await caller.ReadReplyAsync(0).DefaultTimeout()).Text);
        using var handoff = JsonDocument.Parse((await caller.NextOfTypeAsync("end")).HandoffData!);
        Assert.Equal("live-agent-handoff", handoff.RootElement.GetProperty("reasonCode").GetString());
        Assert.Equal(3, server.Model.Requests.Count);
    }

    [Fact]
    public async Task A_request_over_the_token_budget_is_folded_and_summarised_instead_of_failing()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["HISTORY_POLICY"] = "rolling", ["HISTORY_TURNS"] = "20", ["HISTORY_TOKEN_BUDGET"] = "900",
            ["ESCALATE_ON_LOOP"] = "false", // the same filler in every question would rightly read as a caller going round in circles
        });
        await using var caller = await server.CallAsync();
        var filler = string.Join(' ', Enumerable.Repeat("lorem ipsum dolor", 60)); // ~1000 chars, ~250 tokens
        for (var i = 1; i <= 4; i++)
            Assert.StartsWith("Emulated reply to: ", await caller.AskAsync($"long question {i} {filler}"), StringComparison.Ordinal); // not the fallback line

        var last = server.Model.Requests.Received.Last(r => r.System != HistorySummarizer.Instruction);
        Assert.DoesNotContain(CallerTurns(last, server), t => t.StartsWith("long question 1 ", StringComparison.Ordinal));
        Assert.Contains(CallerTurns(last, server), t => t.StartsWith("long question 4 ", StringComparison.Ordinal));
        await WaitForRequestAsync(server, r => r.System == HistorySummarizer.Instruction);
    }

    /// <summary>The caller's utterances the model was sent as turns (context and notes lines left out).</summary>
    private static List<string> CallerTurns(RecordedChatRequest request, RelayServer? server = null)
    {
        // The emulated summaries echo the excerpt they were given: take them out before reading the turns.
        var summaries = server?.Model.Requests.Received.Where(r => r.System == HistorySummarizer.Instruction)
            .Select(r => "[Notes on the earlier part of this call, summarised: " + DefaultChatReply.For(r).Trim() + "]").ToList() ?? [];
        using var doc = JsonDocument.Parse(request.RawJson);
        var turns = new List<string>();
        foreach (var message in doc.RootElement.GetProperty("messages").EnumerateArray())
        {
            if (message.GetProperty("role").GetString() != "user") continue;
            var content = message.GetProperty("content");
            var text = content.ValueKind == JsonValueKind.String ? content.GetString()! : string.Concat(content.EnumerateArray().Where(c => c.TryGetProperty("text", out _)).Select(c => c.GetProperty("text").GetString()));
            foreach (var summary in summaries) text = text.Replace(summary, "", StringComparison.Ordinal);
            var inContext = false;
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith("[Call context", StringComparison.Ordinal)) { inContext = true; continue; }
                if (line.StartsWith("[Notes on the earlier part", StringComparison.Ordinal)) { inContext = false; continue; }
                if (inContext && !line.StartsWith("long question", StringComparison.Ordinal) && !line.StartsWith("question number", StringComparison.Ordinal)) continue;
                inContext = false;
                turns.Add(line);
            }
        }
        return turns;
    }

    private static async Task<RecordedChatRequest> WaitForRequestAsync(RelayServer server, Func<RecordedChatRequest, bool> match)
    {
        for (var i = 0; i < 400; i++)
        {
            if (server.Model.Requests.Received.FirstOrDefault(match) is { } found) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException("no such model request after 20 s");
    }
}
