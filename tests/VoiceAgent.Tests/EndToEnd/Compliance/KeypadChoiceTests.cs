using VoiceAgent.Conversation.Pacing;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd.Compliance;

/// <summary>
/// Structured caller input over real ConversationRelay sockets: the model's <c>ask_choice</c> reads out a question
/// with keypad digits and the caller's key reaches the model as the chosen answer; <c>set_pacing</c> shortens replies
/// and says plainly that this line cannot change the voice speed.
/// </summary>
public sealed class KeypadChoiceTests : IAsyncLifetime
{
    private const string Question = "Would you like delivery or pickup? Press 1 for Delivery. Press 2 for Pickup.";
    private RelayServer _server = null!;

    public async Task InitializeAsync() => _server = await RelayServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_keypad_choice_is_read_out_and_the_pressed_digit_reaches_the_model_as_its_answer()
    {
        _server.Model.Enqueue(ChatReply.ToolCall("ask_choice", """{"question":"Would you like delivery or pickup?","options":["Delivery","Pickup"]}"""));
        _server.Model.Enqueue(ChatReply.Text("Pickup it is."));
        await using var caller = await _server.CallAsync();
        await caller.SendPromptAsync("I'd like to order a pizza.").DefaultTimeout();
        Assert.Equal(Question, await NextSpokenAsync(caller));

        await caller.SendDtmfAsync("2").DefaultTimeout();
        Assert.Equal("Pickup it is.", await NextSpokenAsync(caller));
        var followUp = await _server.Model.Requests.WhenReceived(1).DefaultTimeout();
        Assert.Contains("pressed 2 on the keypad, choosing \\\"Pickup\\\"", followUp.RawJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_digit_that_is_not_an_option_hears_the_options_again_and_does_not_reach_the_model()
    {
        _server.Model.Enqueue(ChatReply.ToolCall("ask_choice", """{"question":"Would you like delivery or pickup?","options":["Delivery","Pickup"]}"""));
        _server.Model.Enqueue(ChatReply.Text("Delivery, great."));
        await using var caller = await _server.CallAsync();
        await caller.SendPromptAsync("I'd like to order a pizza.").DefaultTimeout();
        Assert.Equal(Question, await NextSpokenAsync(caller));

        await caller.SendDtmfAsync("7").DefaultTimeout();
        Assert.Equal("Sorry, that's not one of the options. " + Question, await NextSpokenAsync(caller));
        await caller.SendDtmfAsync("1").DefaultTimeout();
        Assert.Equal("Delivery, great.", await NextSpokenAsync(caller));
        Assert.Equal(2, _server.Model.Requests.Count);
    }

    [Fact]
    public async Task Asking_to_slow_down_and_be_shorter_shortens_replies_and_the_model_is_told_the_speed_cannot_change_here()
    {
        _server.Model.Enqueue(ChatReply.ToolCall("set_pacing", """{"pace":"slower","length":"shorter"}"""));
        _server.Model.Enqueue(ChatReply.Text("Sure, I'll keep it short."));
        await using var caller = await _server.CallAsync();
        Assert.Equal("Sure, I'll keep it short.", await caller.AskAsync("Slow down please, and keep it short."));

        var toolResult = (await _server.Model.Requests.WhenReceived(1).DefaultTimeout()).Messages.SelectMany(m => m.ToolResults).Single().Content;
        Assert.StartsWith("not performed: the voice speed cannot be changed on this line; reply length was set to shorter", toolResult, StringComparison.Ordinal);
        await caller.AskAsync("What are your hours?");
        var later = await _server.Model.Requests.WhenReceived(2).DefaultTimeout();
        Assert.Contains(PacingChange.ShorterInstruction, later.System, StringComparison.Ordinal);
    }

    private static async Task<string> NextSpokenAsync(VoiceAgent.Emulators.Twilio.ConversationRelayCaller caller)
    {
        for (var i = 0; i < 10; i++)
        {
            var text = (await caller.ReadReplyAsync(0).DefaultTimeout()).Text;
            if (text.Length > 0) return text;
        }
        throw new InvalidOperationException("no spoken reply");
    }
}
