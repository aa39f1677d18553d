using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>Whole calls over real sockets: emulated Twilio → server → emulated Anthropic and back.</summary>
public sealed class RelayConversationTests : IAsyncLifetime
{
    private RelayServer _server = null!;

    public async Task InitializeAsync() => _server = await RelayServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Model_deltas_go_out_as_text_frames_in_order_and_the_reply_ends_with_last_true()
    {
        _server.Model.Enqueue(ChatReply.Text("We're open ", "nine to five, ", "Monday to Friday."));
        await using var caller = await _server.CallAsync();
        await caller.SendPromptAsync("When are you open?").DefaultTimeout();

        var tokens = new List<(string Token, bool Last)>();
        for (var i = 0; i < 10; i++)
        {
            var frame = await caller.NextOfTypeAsync("text");
            tokens.Add((frame.Token!, frame.Last));
            if (frame.Last) break;
        }
        Assert.Equal([("We're open ", false), ("nine to five, ", false), ("Monday to Friday.", false), ("", true)], tokens);
        Assert.Empty(caller.InvalidFrames);
    }

    [Fact]
    public async Task The_model_request_carries_the_persona_the_call_context_and_max_tokens()
    {
        await using var caller = await _server.CallAsync(new Dictionary<string, string> { ["customerId"] = "42" });
        await caller.AskAsync("Hi there");

        var request = await _server.Model.Requests.WhenReceived(0).DefaultTimeout();
        Assert.Equal("claude-haiku-4-5", request.Model);
        Assert.Equal(300, request.MaxTokens);
        Assert.Contains("Ada", request.System, StringComparison.Ordinal);
        Assert.DoesNotContain("customerId", request.System, StringComparison.Ordinal);
        Assert.Contains("customerId: 42", request.Messages[0].Text, StringComparison.Ordinal);
        Assert.EndsWith("Hi there", request.Messages[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Barge_in_aborts_the_upstream_request_and_the_next_request_carries_the_heard_text_marked_interrupted()
    {
        var neverReleased = new TaskCompletionSource();
        _server.Model.Enqueue(new ChatReply { TextChunks = ["Let me read ", "you our entire ", "price list now."], Gate = neverReleased.Task, GateAfterDeltas = 1 });
        await using var caller = await _server.CallAsync();
        await caller.SendPromptAsync("What do you charge?").DefaultTimeout();
        Assert.Equal("Let me read ", (await caller.NextOfTypeAsync("text")).Token);

        await caller.SendInterruptAsync("Let me read").DefaultTimeout();
        await _server.Model.Requests.WhenAborted(0).DefaultTimeout();

        await caller.AskAsync("Just the basic plan.");
        var next = await _server.Model.Requests.WhenReceived(1).DefaultTimeout();
        var heard = next.Messages[^2];
        Assert.Equal("assistant", heard.Role);
        Assert.StartsWith("Let me read", heard.Text, StringComparison.Ordinal);
        Assert.Contains("interrupted", heard.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("price list", heard.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_final_prompt_arriving_mid_reply_cuts_the_reply_and_is_answered()
    {
        var neverReleased = new TaskCompletionSource();
        _server.Model.Enqueue(new ChatReply { TextChunks = ["First answer ", "that never ends"], Gate = neverReleased.Task, GateAfterDeltas = 1 });
        _server.Model.Enqueue(ChatReply.Text("Second answer."));
        await using var caller = await _server.CallAsync();
        await caller.SendPromptAsync("First question").DefaultTimeout();
        await caller.NextOfTypeAsync("text");

        var sentAt = await caller.SendPromptAsync("Second question").DefaultTimeout();
        await _server.Model.Requests.WhenAborted(0).DefaultTimeout();

        var cut = await caller.ReadReplyAsync(sentAt).DefaultTimeout(); // the cut reply's closing frame
        var answer = cut.Text == "" ? (await caller.ReadReplyAsync(sentAt).DefaultTimeout()).Text : cut.Text;
        Assert.Equal("Second answer.", answer);
        Assert.EndsWith("Second question", (await _server.Model.Requests.WhenReceived(1)).Messages[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Partial_prompts_do_not_reach_the_model()
    {
        await using var caller = await _server.CallAsync();
        await caller.SendPromptAsync("What are", last: false).DefaultTimeout();
        await caller.AskAsync("What are your hours?");
        Assert.Equal(1, _server.Model.Requests.Count);
    }

    [Fact]
    public async Task A_keypad_digit_reaches_the_model_as_structured_input()
    {
        await using var caller = await _server.CallAsync();
        await caller.SendDtmfAsync("5").DefaultTimeout();
        await caller.NextOfTypeAsync("text");
        var request = await _server.Model.Requests.WhenReceived(0).DefaultTimeout();
        Assert.Contains("[The caller pressed 5 on the keypad]", request.Messages[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_operator_digit_ends_the_session_with_handoff_data()
    {
        await using var caller = await _server.CallAsync();
        await caller.SendDtmfAsync("0").DefaultTimeout();
        var end = await caller.NextOfTypeAsync("end");
        using var handoff = JsonDocument.Parse(end.HandoffData!);
        Assert.Equal("live-agent-handoff", handoff.RootElement.GetProperty("reasonCode").GetString());
        Assert.Equal(0, _server.Model.Requests.Count);
    }

    [Fact]
    public async Task A_twilio_error_message_is_logged_and_the_call_continues()
    {
        await using var caller = await _server.CallAsync();
        await caller.SendErrorAsync("Invalid message received: {}").DefaultTimeout();
        Assert.False(string.IsNullOrEmpty(await caller.AskAsync("Still there?")));
    }

    [Theory]
    [InlineData("malformed JSON")]
    [InlineData("unknown type")]
    [InlineData("binary frame")]
    [InlineData("1 MB frame")]
    [InlineData("prompt without text")]
    public async Task A_bad_frame_leaves_the_call_and_the_server_working(string kind)
    {
        await using var caller = await _server.CallAsync();
        var (payload, type) = kind switch
        {
            "malformed JSON" => (Encoding.UTF8.GetBytes("{\"type\":\"prompt\",\"voicePrompt\":"), WebSocketMessageType.Text),
            "unknown type" => (Encoding.UTF8.GetBytes("""{"type":"hologram","x":1}"""), WebSocketMessageType.Text),
            "binary frame" => (new byte[] { 0, 1, 2, 3, 255 }, WebSocketMessageType.Binary),
            "1 MB frame" => (Encoding.UTF8.GetBytes("{\"type\":\"prompt\",\"voicePrompt\":\"" + new string('a', 1024 * 1024) + "\"}"), WebSocketMessageType.Text),
            _ => (Encoding.UTF8.GetBytes("""{"type":"prompt","last":true}"""), WebSocketMessageType.Text),
        };
        await caller.SendRawAsync(payload, type).DefaultTimeout();

        Assert.False(string.IsNullOrEmpty(await caller.AskAsync("Are you still there?")));
        Assert.Equal(1, _server.Model.Requests.Count);
        using var http = new HttpClient();
        using var health = await http.GetAsync(new Uri(_server.Address, "/healthz")).DefaultTimeout();
        Assert.True(health.IsSuccessStatusCode);
    }
}
