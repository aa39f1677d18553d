using VoiceAgent.Conversation;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Conversation;

/// <summary>The maximum call length, as the engine sees it: a polite goodbye, then the end of the call.</summary>
public sealed class CallSessionTimeLimitTests
{
    [Fact]
    public async Task The_time_limit_cuts_the_reply_says_goodbye_and_ends_the_call()
    {
        var model = new DelegateChatClient((_, ct) => DelegateChatClient.Tokens(Enumerable.Repeat("word ", 10_000), TimeSpan.FromMilliseconds(5), ct));
        await using var call = new SessionHarness(model, new AgentOptions { WelcomeGreeting = null });
        await call.StartCallAsync();
        await call.SayAsync("Tell me a long story.");
        Assert.Equal("word ", (await call.Transport.NextAsync<SpeakToken>()).Token);

        await call.PostAsync(new CallTimeLimitReached());

        SpeakToken token;
        do token = await call.Transport.NextAsync<SpeakToken>(); while (token.Token == "word ");
        Assert.Equal("", token.Token); // the cut reply's talk cycle closed
        Assert.True(token.Last);
        var goodbye = await call.Transport.NextAsync<SpeakToken>();
        Assert.Equal(new AgentOptions().GoodbyeLine, goodbye.Token);
        var end = await call.Transport.NextAsync<EndCall>();
        Assert.Contains("maximum call length", end.HandoffData, StringComparison.Ordinal);
        Assert.Contains(Handoff.AgentEnded, end.HandoffData, StringComparison.Ordinal);
    }
}
