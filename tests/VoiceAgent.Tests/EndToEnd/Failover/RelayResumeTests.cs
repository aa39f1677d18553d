using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Conversation;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Storage.Sessions;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd.Failover;

/// <summary>One server, the in-process session store: what the <c>&lt;Connect action&gt;</c> callback resumes and what it does not.</summary>
public sealed class RelayResumeTests : IAsyncLifetime
{
    private static readonly AgentOptions Lines = new();
    private RelayServer _server = null!;

    public async Task InitializeAsync() => _server = await RelayServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_call_handed_off_by_the_agent_is_not_resumed_by_the_action_callback()
    {
        await using var call = await _server.DialAsync();
        await call.Caller.AskAsync("Hello");
        await WaitForStateAsync(call.CallSid, s => s.TurnCount == 1);

        await call.Caller.SendDtmfAsync("0").DefaultTimeout();
        await call.Caller.NextOfTypeAsync("end");
        var verb = await call.FollowActionAsync().DefaultTimeout();

        // The action callback answers a hand-off with the transfer (here, with no TRANSFER_NUMBER, the voicemail line), never a new relay session.
        Assert.NotEqual("Connect", verb);
        Assert.Equal(1, call.Sessions);
        await WaitForStateAsync(call.CallSid, s => s.Status == SessionStatus.Ended);
    }

    [Fact]
    public async Task A_call_the_caller_hung_up_is_not_resumed()
    {
        await using var call = await _server.DialAsync();
        await call.Caller.AskAsync("Hello");

        var verb = await call.HangUpAsync().DefaultTimeout();

        Assert.Equal("Hangup", verb);
        await WaitForStateAsync(call.CallSid, s => s.Status == SessionStatus.Ended);
    }

    [Fact]
    public async Task A_caller_who_rings_back_within_the_window_is_offered_to_continue_with_the_earlier_call_as_context()
    {
        await using (var first = await _server.DialAsync(from: "+14155550123"))
        {
            await first.Caller.AskAsync("I need a plumber for a leaking tap");
            await first.HangUpAsync().DefaultTimeout();
            await WaitForStateAsync(first.CallSid, s => s.Status == SessionStatus.Ended);
        }

        await using var second = await _server.DialAsync(from: "+14155550123");
        Assert.Equal(Lines.CallbackGreeting, second.Greeting);
        await second.Caller.AskAsync("Yes please");

        var request = _server.Model.Requests.Received[^1];
        Assert.Contains(request.Messages, m => m.Role == "user" && m.Text.Contains("I need a plumber for a leaking tap", StringComparison.Ordinal));
        Assert.Contains(request.Messages, m => m.Role == "assistant" && m.Text.Contains(Lines.CallbackGreeting, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_different_caller_gets_the_normal_greeting()
    {
        await using (var first = await _server.DialAsync(from: "+14155550124"))
        {
            await first.Caller.AskAsync("Hello");
            await first.HangUpAsync().DefaultTimeout();
            await WaitForStateAsync(first.CallSid, s => s.Status == SessionStatus.Ended);
        }

        await using var other = await _server.DialAsync(from: "+14155550999");

        Assert.Equal(Lines.WelcomeGreeting, other.Greeting);
    }

    [Fact]
    public async Task The_caller_index_holds_a_keyed_hash_not_the_number()
    {
        await using var call = await _server.DialAsync(from: "+14155550125");
        await call.Caller.AskAsync("Hello");

        var state = await WaitForStateAsync(call.CallSid, s => s.TurnCount == 1);

        Assert.NotNull(state.CallerKey);
        Assert.DoesNotContain("4155550125", state.CallerKey, StringComparison.Ordinal);
        Assert.Equal(64, state.CallerKey.Length);
    }

    [Fact]
    public async Task Erasing_a_caller_removes_their_calls_and_the_call_back_offer()
    {
        string callSid;
        await using (var first = await _server.DialAsync(from: "+14155550127"))
        {
            callSid = first.CallSid;
            await first.Caller.AskAsync("Please remember my order 42");
            await first.HangUpAsync().DefaultTimeout();
            await WaitForStateAsync(first.CallSid, s => s.Status == SessionStatus.Ended);
        }

        foreach (var eraser in _server.App.Services.GetServices<VoiceAgent.Storage.ICallerDataEraser>())
            await eraser.EraseCallerAsync("+1 (415) 555-0127", default).DefaultTimeout();

        Assert.Null(await _server.App.Services.GetRequiredService<ISessionStore>().LoadAsync(callSid, default).DefaultTimeout());
        await using var again = await _server.DialAsync(from: "+14155550127");
        Assert.Equal(Lines.WelcomeGreeting, again.Greeting);
    }

    private Task<SessionSnapshot> WaitForStateAsync(string callSid, Func<SessionSnapshot, bool> condition) => WaitForStateAsync(_server, callSid, condition);

    /// <summary>The call's stored state once it meets <paramref name="condition"/> (30 s hang guard).</summary>
    internal static async Task<SessionSnapshot> WaitForStateAsync(RelayServer server, string callSid, Func<SessionSnapshot, bool> condition)
    {
        var store = server.App.Services.GetRequiredService<ISessionStore>();
        for (var i = 0; i < 600; i++)
        {
            if (await store.LoadAsync(callSid, default) is { } s && condition(s)) return s;
            await Task.Delay(50);
        }
        throw new TimeoutException($"The stored state of {callSid} never met the condition.");
    }
}

/// <summary>A callback window of zero turns the offer off.</summary>
public sealed class CallbackWindowOffTests : IAsyncLifetime
{
    private RelayServer _server = null!;

    public async Task InitializeAsync() => _server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["CALLBACK_RESUME_WINDOW_SECONDS"] = "0" });
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task With_the_window_at_zero_a_caller_ringing_back_gets_the_normal_greeting()
    {
        await using (var first = await _server.DialAsync(from: "+14155550126"))
        {
            await first.Caller.AskAsync("Hello");
            await first.HangUpAsync().DefaultTimeout();
            // The first call is stored as ended, so a callback could find it: only the window of zero turns the offer off.
            await RelayResumeTests.WaitForStateAsync(_server, first.CallSid, s => s.Status == SessionStatus.Ended);
        }

        await using var second = await _server.DialAsync(from: "+14155550126");

        Assert.Equal(new AgentOptions().WelcomeGreeting, second.Greeting);
    }
}
