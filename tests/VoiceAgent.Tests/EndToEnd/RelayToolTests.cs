using System.Text.Json;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>Model-driven call control: tool calls become ConversationRelay play/sendDigits/language/end frames.</summary>
public sealed class RelayToolTests : IAsyncLifetime
{
    private RelayServer _server = null!;

    public async Task InitializeAsync() => _server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["HOLD_MUSIC_URL"] = "https://cdn.example.com/hold.mp3" });
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_model_offers_the_call_control_tools()
    {
        await using var caller = await _server.CallAsync();
        await caller.AskAsync("hi");
        var request = await _server.Model.Requests.WhenReceived(0).DefaultTimeout();
        Assert.Equal(["escalate_to_human", "end_call", "switch_language", "send_digits", "cannot_answer", "play_hold_music", "ask_choice", "set_pacing"], request.ToolNames);
    }

    [Fact]
    public async Task A_transfer_tool_call_speaks_the_handoff_line_and_ends_with_live_agent_handoff_data()
    {
        _server.Model.Enqueue(ChatReply.ToolCall("escalate_to_human", """{"reason":"billing dispute","summary":"The caller disputes a charge."}"""));
        await using var caller = await _server.CallAsync();
        await caller.SendPromptAsync("Can you sort out my bill?").DefaultTimeout();

        var line = await caller.NextOfTypeAsync("text");
        Assert.True(line.Last);
        Assert.False(string.IsNullOrEmpty(line.Token));
        var end = await caller.NextOfTypeAsync("end");
        using var handoff = JsonDocument.Parse(end.HandoffData!);
        Assert.Equal("live-agent-handoff", handoff.RootElement.GetProperty("reasonCode").GetString());
        Assert.Equal("billing dispute", handoff.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_language_tool_call_sends_a_language_frame_then_the_model_continues_speaking()
    {
        _server.Model.Enqueue(ChatReply.ToolCall("switch_language", """{"language":"es-US"}"""));
        _server.Model.Enqueue(ChatReply.Text("¡Claro! ", "Hablemos en español."));
        await using var caller = await _server.CallAsync();
        var sentAt = await caller.SendPromptAsync("¿Habla español?").DefaultTimeout();

        var language = await caller.NextOfTypeAsync("language");
        Assert.Equal("es-US", language.Get("ttsLanguage"));
        Assert.Equal("es-US", language.Get("transcriptionLanguage"));
        Assert.Equal("¡Claro! Hablemos en español.", (await caller.ReadReplyAsync(sentAt).DefaultTimeout()).Text);
        var followUp = await _server.Model.Requests.WhenReceived(1).DefaultTimeout();
        Assert.Contains(followUp.Messages, m => m.ToolResults.Count > 0);
    }

    [Fact]
    public async Task A_send_digits_tool_call_sends_a_send_digits_frame()
    {
        _server.Model.Enqueue(ChatReply.ToolCall("send_digits", """{"digits":"1w23#"}"""));
        _server.Model.Enqueue(ChatReply.Text("Done."));
        await using var caller = await _server.CallAsync();
        await caller.SendPromptAsync("Dial extension 123 for me.").DefaultTimeout();

        Assert.Equal("1w23#", (await caller.NextOfTypeAsync("sendDigits")).Get("digits"));
    }

    [Fact]
    public async Task A_hold_music_tool_call_sends_a_play_frame_with_the_configured_url()
    {
        _server.Model.Enqueue(ChatReply.ToolCall("play_hold_music", "{}"));
        _server.Model.Enqueue(ChatReply.Text("Please hold."));
        await using var caller = await _server.CallAsync();
        await caller.SendPromptAsync("Can you check my order?").DefaultTimeout();

        Assert.Equal("https://cdn.example.com/hold.mp3", (await caller.NextOfTypeAsync("play")).Get("source"));
    }

    [Fact]
    public async Task An_invalid_tool_call_is_refused_and_the_turn_still_closes()
    {
        _server.Model.Enqueue(ChatReply.ToolCall("send_digits", """{"digits":"rm -rf /"}"""));
        _server.Model.Enqueue(ChatReply.Text("Sorry, I can't do that."));
        await using var caller = await _server.CallAsync();

        Assert.Equal("Sorry, I can't do that.", await caller.AskAsync("Dial something weird."));
        Assert.Empty(caller.InvalidFrames);
    }

    [Fact]
    public async Task A_second_tool_call_in_one_step_that_fails_is_reported_to_the_model_as_not_performed()
    {
        _server.Model.Enqueue(new ChatReply
        {
            TextChunks = [],
            ToolCalls = [new ChatToolCallScript("switch_language", """{"language":"es-US"}""", "toolu_1"), new ChatToolCallScript("send_digits", """{"digits":"rm -rf /"}""", "toolu_2")],
        });
        _server.Model.Enqueue(ChatReply.Text("Claro."));
        await using var caller = await _server.CallAsync();
        await caller.SendPromptAsync("¿Habla español?").DefaultTimeout();

        Assert.Equal("es-US", (await caller.NextOfTypeAsync("language")).Get("ttsLanguage"));
        var followUp = await _server.Model.Requests.WhenReceived(1).DefaultTimeout();
        var results = followUp.Messages.SelectMany(m => m.ToolResults).ToDictionary(r => r.ToolUseId, r => r.Content);
        Assert.Equal("done: switched the language to es-US", results["toolu_1"]);
        Assert.StartsWith("not performed: ", results["toolu_2"], StringComparison.Ordinal);
        Assert.Empty(caller.InvalidFrames);
    }
}
