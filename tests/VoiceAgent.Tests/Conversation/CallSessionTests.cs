using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using VoiceAgent.Conversation;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Conversation;

public sealed class CallSessionTests
{
    [Fact]
    public async Task Reply_tokens_go_out_in_model_order_and_the_reply_closes_with_last_true()
    {
        await using var call = new SessionHarness(DelegateChatClient.Replying("Our hours ", "are nine ", "to five."));
        await call.StartCallAsync();
        await call.SayAsync("When are you open?");

        Assert.Equal(new SpeakToken("Our hours ", false, 1), await call.Transport.NextAsync());
        Assert.Equal(new SpeakToken("are nine ", false, 1), await call.Transport.NextAsync());
        Assert.Equal(new SpeakToken("to five.", false, 1), await call.Transport.NextAsync());
        Assert.Equal(new SpeakToken("", true, 1), await call.Transport.NextAsync());
    }

    [Fact]
    public async Task Partial_prompts_do_not_start_a_turn()
    {
        var model = DelegateChatClient.Replying("ok");
        await using var call = new SessionHarness(model);
        await call.StartCallAsync();
        await call.PostAsync(new UserSaid("what are", IsFinal: false));
        await call.SayAsync("what are your hours");

        Assert.Equal("ok", await call.Transport.NextReplyAsync());
        Assert.Single(model.Requests);
        Assert.Equal("what are your hours", model.Requests[0][^1].Text.Split('\n')[^1]);
    }

    [Fact]
    public async Task Barge_in_cancels_the_model_stream_and_the_next_request_carries_only_what_was_heard_marked_interrupted()
    {
        var firstStreamCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = 0;
        var model = new DelegateChatClient((messages, ct) => Interlocked.Increment(ref requests) == 1
            ? Endless(firstStreamCancelled, ct)
            : DelegateChatClient.Tokens(["Sure."], TimeSpan.Zero, ct));
        await using var call = new SessionHarness(model);
        await call.StartCallAsync();
        await call.SayAsync("Tell me everything.");
        var cut = await call.Transport.NextAsync<SpeakToken>(); // the reply is streaming

        await call.PostAsync(new UserInterrupted("Let me tell you", TimeSpan.FromMilliseconds(900)));
        await firstStreamCancelled.Task.DefaultTimeout();
        await call.SayAsync("Just the hours.");

        // Tokens of the cut reply sent before the interrupt reached the engine are still queued: only the next reply counts.
        Assert.Equal("Sure.", await call.Transport.NextReplyAsync(skippingReply: cut.ReplyId));
        var second = model.Requests[1];
        Assert.Equal(ChatRole.Assistant, second[^2].Role);
        Assert.Equal(ConversationHistory.RenderInterrupted("Let me tell you"), second[^2].Text);
        Assert.DoesNotContain(second, m => m.Text.Contains("everything you ever", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Interrupt_after_the_reply_finished_streaming_rewrites_it_to_what_was_heard()
    {
        var model = new DelegateChatClient((messages, ct) => DelegateChatClient.Tokens(
            messages.Count(m => m.Role == ChatRole.User) == 1 ? ["We are open nine to five, Monday to Friday."] : ["OK."], TimeSpan.Zero, ct));
        await using var call = new SessionHarness(model, new AgentOptions { WelcomeGreeting = null });
        await call.StartCallAsync();
        await call.SayAsync("Hours?");
        await call.Transport.NextReplyAsync();

        await call.PostAsync(new UserInterrupted("We are open nine", TimeSpan.FromMilliseconds(700)));
        await call.SayAsync("And weekends?");
        await call.Transport.NextReplyAsync();

        Assert.Equal(ConversationHistory.RenderInterrupted("We are open nine"), model.Requests[1][^2].Text);
    }

    [Fact]
    public async Task A_false_interruption_speaks_the_unheard_rest_and_restores_the_full_reply_in_history()
    {
        var model = new DelegateChatClient((messages, ct) => DelegateChatClient.Tokens(
            messages.Count(m => m.Role == ChatRole.User) == 1 ? ["We are open nine to five, Monday to Friday."] : ["OK."], TimeSpan.Zero, ct));
        await using var call = new SessionHarness(model, new AgentOptions { WelcomeGreeting = null });
        await call.StartCallAsync();
        await call.SayAsync("Hours?");
        await call.Transport.NextReplyAsync();

        await call.PostAsync(new UserInterrupted("We are open nine ", TimeSpan.FromMilliseconds(700)));
        await call.PostAsync(new FalseInterruption());

        Assert.Equal("to five, Monday to Friday.", await call.Transport.NextReplyAsync());
        await call.SayAsync("Thanks.");
        await call.Transport.NextReplyAsync();
        Assert.Equal("We are open nine to five, Monday to Friday.", model.Requests[1][^2].Text);
    }

    [Fact]
    public async Task A_final_prompt_mid_reply_is_answered_and_the_cut_reply_is_recorded_as_interrupted()
    {
        var firstStreamCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = 0;
        var model = new DelegateChatClient((messages, ct) => Interlocked.Increment(ref requests) == 1
            ? Endless(firstStreamCancelled, ct)
            : DelegateChatClient.Tokens(["Newest answered."], TimeSpan.Zero, ct));
        await using var call = new SessionHarness(model);
        await call.StartCallAsync();
        await call.SayAsync("First question");
        var partial = await call.Transport.NextAsync<SpeakToken>();

        await call.SayAsync("Actually, second question");

        await firstStreamCancelled.Task.DefaultTimeout();
        Assert.Equal(new SpeakToken("", true, 1), await SkipTo(call.Transport, t => t.Last));
        Assert.Equal("Newest answered.", await call.Transport.NextReplyAsync());
        var second = model.Requests[1];
        Assert.Equal("Actually, second question", second[^1].Text);
        Assert.StartsWith(partial.Token.TrimEnd(), second[^2].Text, StringComparison.Ordinal);
        Assert.Contains("[interrupted", second[^2].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prompt_that_races_a_delivered_replys_completion_does_not_close_that_reply_twice()
    {
        // The reply's last frame is on the wire, but its completion has not reached the mailbox when the next prompt
        // arrives (the frame's send finishes only as the cut asks it to stop): deterministic, no timing involved.
        var transport = new RecordingTransport
        {
            AfterRecord = async (command, ct) =>
            {
                if (command is not SpeakToken { Last: true, ReplyId: 1 }) return;
                var cutRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await using var registration = ct.Register(() => cutRequested.TrySetResult());
                await cutRequested.Task.DefaultTimeout(); // sent successfully, just as the cut arrives
            },
        };
        var requests = 0;
        var model = new DelegateChatClient((messages, ct) => DelegateChatClient.Tokens([Interlocked.Increment(ref requests) == 1 ? "First answer." : "Second answer."], TimeSpan.Zero, ct));
        await using var call = new SessionHarness(model, transport: transport);
        await call.StartCallAsync();
        await call.SayAsync("First question");
        Assert.Equal("First answer.", await call.Transport.NextReplyAsync());

        await call.SayAsync("Second question");

        Assert.Equal("Second answer.", await call.Transport.NextReplyAsync()); // not an empty closing frame for reply 1
        var second = model.Requests[1];
        Assert.Equal("First answer.", second[^2].Text); // delivered whole: not marked interrupted
        Assert.Equal("Second question", second[^1].Text);
    }

    [Fact]
    public async Task An_unbound_digit_reaches_the_model_as_structured_caller_input()
    {
        var model = DelegateChatClient.Replying("You pressed five.");
        await using var call = new SessionHarness(model);
        await call.StartCallAsync();
        await call.PostAsync(new DigitPressed("5"));

        Assert.Equal("You pressed five.", await call.Transport.NextReplyAsync());
        Assert.Contains("[The caller pressed 5 on the keypad]", model.Requests[0][^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_operator_digit_speaks_the_handoff_line_then_ends_with_handoff_data()
    {
        var agent = new AgentOptions();
        await using var call = new SessionHarness(DelegateChatClient.Replying("unused"), agent);
        await call.StartCallAsync();
        await call.PostAsync(new DigitPressed("0"));

        Assert.Equal(agent.OperatorLine, await call.Transport.NextReplyAsync());
        var end = await call.Transport.NextAsync<EndCall>();
        using var handoff = JsonDocument.Parse(end.HandoffData!);
        Assert.Equal("live-agent-handoff", handoff.RootElement.GetProperty("reasonCode").GetString());
        Assert.Equal("CA-test", handoff.RootElement.GetProperty("callSid").GetString());
    }

    [Fact]
    public async Task Speech_becoming_unavailable_speaks_the_apology_then_hands_the_call_off()
    {
        var agent = new AgentOptions();
        await using var call = new SessionHarness(DelegateChatClient.Replying("unused"), agent);
        await call.StartCallAsync();
        await call.PostAsync(new SpeechUnavailable("speech recognition failed: test"));
        await call.PostAsync(new SpeechUnavailable("speech synthesis failed: test"));

        Assert.Equal(agent.SpeechFailureLine, await call.Transport.NextReplyAsync());
        var end = await call.Transport.NextAsync<EndCall>();
        using var handoff = JsonDocument.Parse(end.HandoffData!);
        Assert.Equal("live-agent-handoff", handoff.RootElement.GetProperty("reasonCode").GetString());
        Assert.Equal("speech recognition failed: test", handoff.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_repeat_digit_says_the_last_reply_again_without_asking_the_model()
    {
        var model = DelegateChatClient.Replying("We close at five.");
        await using var call = new SessionHarness(model);
        await call.StartCallAsync();
        await call.SayAsync("When do you close?");
        await call.Transport.NextReplyAsync();

        await call.PostAsync(new DigitPressed("*"));

        Assert.Equal("We close at five.", await call.Transport.NextReplyAsync());
        Assert.Single(model.Requests);
    }

    [Fact]
    public async Task The_end_digit_says_goodbye_and_ends_the_call_when_bound()
    {
        var agent = new AgentOptions { DtmfBindings = new Dictionary<string, DtmfAction> { ["9"] = DtmfAction.End } };
        await using var call = new SessionHarness(DelegateChatClient.Replying("unused"), agent);
        await call.StartCallAsync();
        await call.PostAsync(new DigitPressed("9"));

        Assert.Equal(agent.GoodbyeLine, await call.Transport.NextReplyAsync());
        await call.Transport.NextAsync<EndCall>();
    }

    [Fact]
    public async Task A_model_failure_speaks_the_fallback_and_the_next_turn_works()
    {
        var requests = 0;
        var model = new DelegateChatClient((messages, ct) => Interlocked.Increment(ref requests) == 1
            ? Failing(ct)
            : DelegateChatClient.Tokens(["Back again."], TimeSpan.Zero, ct));
        var agent = new AgentOptions();
        await using var call = new SessionHarness(model, agent);
        await call.StartCallAsync();
        await call.SayAsync("Hello?");
        Assert.Equal(agent.FallbackLine, await call.Transport.NextReplyAsync());

        await call.SayAsync("Hello again?");
        Assert.Equal("Back again.", await call.Transport.NextReplyAsync());
    }

    [Fact]
    public async Task History_keeps_the_configured_number_of_exchanges_and_always_the_call_context()
    {
        var model = DelegateChatClient.Replying("ok");
        await using var call = new SessionHarness(model, new AgentOptions { HistoryTurns = 3, WelcomeGreeting = null });
        await call.StartCallAsync(("customerId", "42"));
        for (var i = 1; i <= 6; i++)
        {
            await call.SayAsync($"question {i}");
            await call.Transport.NextReplyAsync();
        }

        var last = model.Requests[^1];
        var userTexts = string.Join("\n", last.Where(m => m.Role == ChatRole.User).Select(m => m.Text));
        Assert.Contains("customerId: 42", userTexts, StringComparison.Ordinal);
        Assert.DoesNotContain("question 3", userTexts, StringComparison.Ordinal);
        Assert.Contains("question 4", userTexts, StringComparison.Ordinal);
        Assert.Contains("question 6", userTexts, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_context_goes_into_the_conversation_not_the_system_prompt()
    {
        var model = DelegateChatClient.Replying("ok");
        var agent = new AgentOptions { SystemPrompt = "You are Ada, the clinic's receptionist." };
        await using var call = new SessionHarness(model, agent);
        await call.StartCallAsync(("enrollmentId", "E-77"));
        await call.SayAsync("Hi");
        await call.Transport.NextReplyAsync();

        var request = model.Requests[0];
        Assert.Equal(ChatRole.System, request[0].Role);
        Assert.Equal(agent.SystemPrompt, request[0].Text);
        Assert.Equal(ChatRole.User, request[1].Role);
        Assert.Contains("enrollmentId: E-77", request[1].Text, StringComparison.Ordinal);
        Assert.Contains("+15550001111", request[1].Text, StringComparison.Ordinal);
        Assert.Equal(ChatRole.Assistant, request[2].Role); // the welcome greeting Twilio spoke
    }

    private static async IAsyncEnumerable<string> Endless(TaskCompletionSource cancelled, [EnumeratorCancellation] CancellationToken ct)
    {
        using var registration = ct.Register(() => cancelled.TrySetResult());
        yield return "Let me tell you ";
        for (var i = 0; i < 10_000; i++)
        {
            await Task.Delay(20, ct);
            yield return "everything you ever wanted ";
        }
    }

    private static async IAsyncEnumerable<string> Failing([EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        ct.ThrowIfCancellationRequested();
        throw new HttpRequestException("529 overloaded (test)");
#pragma warning disable CS0162 // an iterator needs a yield
        yield break;
#pragma warning restore CS0162
    }

    private static async Task<SpeakToken> SkipTo(RecordingTransport transport, Func<SpeakToken, bool> predicate)
    {
        for (var i = 0; i < 10_000; i++)
        {
            var token = await transport.NextAsync<SpeakToken>();
            if (predicate(token)) return token;
        }
        throw new InvalidOperationException("no matching token");
    }
}
