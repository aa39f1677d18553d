using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Storage.Sessions;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>
/// Over real ConversationRelay sockets against the Anthropic emulator: a long reply reaches the caller whole, but the
/// history entry (what the model is sent next, what the session store keeps) holds at most HISTORY_REPLY_MAX_CHARS;
/// a reply the model stopped at max_tokens ends cleanly and history notes that it was cut off.
/// </summary>
public sealed class StoredReplyCapTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_long_replys_history_entry_is_capped_while_the_caller_hears_all_of_it()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["HISTORY_REPLY_MAX_CHARS"] = "1024",
            ["WELCOME_GREETING"] = "",
        }, new ChatEmulatorOptionsOverride(TimeSpan.Zero));
        var words = Enumerable.Range(1, 250).Select(i => $"detail{i} ").ToArray(); // ~2,300 characters, within max_tokens 300
        var full = string.Concat(words);
        server.Model.Enqueue(ChatReply.Text(words));
        var callSid = RelayServer.NewCallSid();
        await using var caller = await ConversationRelayCaller.ConnectAsync(server.SocketUrl, RelayServer.SignedSocketUrl, RelayServer.AuthToken, CancellationToken.None).DefaultTimeout();
        await caller.SendSetupAsync(callSid, RelayServer.AccountSid).DefaultTimeout();

        var heard = await caller.ReadReplyAsync(await caller.SendPromptAsync("Tell me everything.").DefaultTimeout()).DefaultTimeout(HangGuard);
        await caller.ReadReplyAsync(await caller.SendPromptAsync("Thanks.").DefaultTimeout()).DefaultTimeout(HangGuard);

        Assert.Equal(full, heard.Text);
        var sentBack = server.Model.Requests.Received[1].Messages.Single(m => m.Role == "assistant").Text;
        AssertCapped(sentBack, full);
        var stored = await StoredWithRepliesAsync(server.App.Services, callSid);
        AssertCapped(stored.Turns.First(t => t.Role == SessionTurn.AssistantRole).Text, full);
        AssertCapped(stored.Transcript.First(e => e.Kind == TranscriptEntryKind.Agent).Text, full);
    }

    [Fact]
    public async Task A_reply_the_model_stopped_at_max_tokens_ends_cleanly_and_history_says_it_was_cut_off()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["ANTHROPIC_MAX_TOKENS"] = "4",
            ["WELCOME_GREETING"] = "",
        });
        server.Model.Enqueue(ChatReply.Text("We ", "are ", "open ", "nine ", "to ", "five ", "every ", "day."));
        await using var caller = await server.CallAsync();

        var cut = await caller.ReadReplyAsync(await caller.SendPromptAsync("When are you open?").DefaultTimeout()).DefaultTimeout(HangGuard);
        Assert.Equal(ChatRequestOutcome.Completed, await server.Model.Requests.WhenEnded(0).DefaultTimeout(HangGuard));
        await caller.ReadReplyAsync(await caller.SendPromptAsync("Go on.").DefaultTimeout()).DefaultTimeout(HangGuard);

        Assert.Equal("We are open nine ", cut.Text);
        Assert.Equal(4, server.Model.Requests.Received[0].MaxTokens);
        var sentBack = server.Model.Requests.Received[1].Messages.Single(m => m.Role == "assistant").Text;
        Assert.Equal("We are open nine [cut off: the reply reached the model's output limit]", sentBack);
    }

    /// <summary>The call's snapshot once the session store's background writer has stored both replies (bounded wait).</summary>
    private static async Task<SessionSnapshot> StoredWithRepliesAsync(IServiceProvider services, string callSid)
    {
        var store = services.GetRequiredService<ISessionStore>();
        var deadline = DateTime.UtcNow + HangGuard;
        while (DateTime.UtcNow < deadline)
        {
            if (await store.LoadAsync(callSid, CancellationToken.None) is { } stored
                && stored.Turns.Count(t => t.Role == SessionTurn.AssistantRole) >= 2 && stored.Transcript.Count(e => e.Kind == TranscriptEntryKind.Agent) >= 2)
                return stored;
            await Task.Delay(50);
        }
        throw new TimeoutException($"call {callSid}: both replies were not stored within {HangGuard}");
    }

    private static void AssertCapped(string kept, string full)
    {
        Assert.InRange(kept.Length, 512, 1024);
        Assert.EndsWith($" … [shortened for the record: {full.Length} characters in full]", kept, StringComparison.Ordinal);
        Assert.StartsWith(kept[..kept.IndexOf(" …", StringComparison.Ordinal)], full, StringComparison.Ordinal);
    }
}
