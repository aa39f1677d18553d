using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Providers;
using VoiceAgent.Providers.Resilience;
using VoiceAgent.Tests.Providers.OpenAI;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Anthropic;

/// <summary>
/// The per-token path below <see cref="IChatClient"/> (<see cref="ReusedStreamingUpdates"/>): a caller that reads each
/// update before the next lets the Anthropic client hand out one text update per stream; without the opt-in every
/// update is its own object. Over the emulator's real socket.
/// </summary>
public sealed class AnthropicReusedUpdateTests
{
    private static readonly List<ChatMessage> Hours = [new(ChatRole.User, "Hours?")];

    private static ChatOptions Reuse()
    {
        var options = new ChatOptions();
        ReusedStreamingUpdates.Allow(options);
        return options;
    }

    [Fact]
    public async Task With_reuse_allowed_each_token_arrives_in_the_same_update_carrying_that_tokens_text()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.Text("We are ", "open ", "from nine."));
        await using var stream = h.Client.GetStreamingResponseAsync(Hours, Reuse()).GetAsyncEnumerator();

        var texts = new List<string>();
        var textUpdates = new List<ChatResponseUpdate>();
        while (await stream.NextTextAsync().DefaultTimeout() is { } text)
        {
            texts.Add(text);
            textUpdates.Add(stream.Current);
        }

        Assert.Equal(["We are ", "open ", "from nine."], texts);
        Assert.Single(textUpdates.Distinct());
    }

    [Fact]
    public async Task Without_the_opt_in_every_update_keeps_its_own_text_after_the_stream()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.Text("We are ", "open ", "from nine."));

        var updates = await h.Client.GetStreamingResponseAsync(Hours).CollectAsync().DefaultTimeout();

        Assert.Equal(["We are ", "open ", "from nine."], updates.TextDeltas());
        Assert.Equal(updates.Count, updates.Distinct().Count());
    }

    [Fact]
    public async Task A_tag_a_decorator_put_on_a_reused_update_is_gone_from_the_next_token()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.Text("One ", "two."));
        await using var stream = h.Client.GetStreamingResponseAsync(Hours, Reuse()).GetAsyncEnumerator();

        Assert.Equal("One ", await stream.NextTextAsync().DefaultTimeout());
        (stream.Current.AdditionalProperties ??= [])["tag"] = "first only";
        Assert.Equal("two.", await stream.NextTextAsync().DefaultTimeout());

        Assert.Null(stream.Current.AdditionalProperties);
    }

    [Fact]
    public async Task Tool_calls_and_usage_never_come_in_the_reused_update()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.Text("Let me ", "transfer you."));
        h.Emulator.Enqueue(ChatReply.ToolCall("transfer_call", """{"department":"billing"}"""));

        // Collected whole (held past the next token): only the one reused text update is overwritten, nothing else.
        var first = await h.Client.GetStreamingResponseAsync(Hours, Reuse()).CollectAsync().DefaultTimeout();
        var second = await h.Client.GetStreamingResponseAsync(Hours, Reuse()).CollectAsync().DefaultTimeout();

        Assert.Single(first.Where(u => u.Text.Length > 0).Distinct());
        Assert.Single(first.SelectMany(u => u.Contents).OfType<UsageContent>().Distinct());
        Assert.DoesNotContain(first, u => u.Contents.OfType<UsageContent>().Any() && u.Contents.OfType<TextContent>().Any());
        var call = Assert.Single(second.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("transfer_call", call.Name);
        Assert.Equal("billing", call.Arguments!["department"]?.ToString());
    }

    [Fact]
    public async Task The_watchdog_passes_reused_updates_through_with_every_token_in_order()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.Text("One ", "two ", "three."));
        await using var stream = h.Client.WithWatchdog(TimeProvider.System).GetStreamingResponseAsync(Hours, Reuse()).GetAsyncEnumerator();

        var texts = new List<string>();
        while (await stream.NextTextAsync().DefaultTimeout() is { } text) texts.Add(text);

        Assert.Equal(["One ", "two ", "three."], texts);
    }

    [Fact]
    public async Task The_opt_in_is_honoured_behind_the_watchdog_only_by_our_Anthropic_client()
    {
        await using var anthropic = await AnthropicHarness.StartAsync();
        await using var openai = await OpenAIHarness.StartAsync();

        Assert.True(ReusedStreamingUpdates.HonouredBy(anthropic.Client.WithWatchdog(TimeProvider.System)));
        Assert.False(ReusedStreamingUpdates.HonouredBy(openai.Client.WithWatchdog(TimeProvider.System)));
    }

    [Fact]
    public async Task The_opt_in_never_goes_on_the_wire()
    {
        await using var anthropic = await AnthropicHarness.StartAsync();
        await using var openai = await OpenAIHarness.StartAsync();

        await anthropic.Client.GetStreamingResponseAsync(Hours, Reuse()).CollectAsync().DefaultTimeout();
        await openai.Client.GetStreamingResponseAsync(Hours, Reuse()).CollectAsync().DefaultTimeout();

        Assert.DoesNotContain("voiceagent", (await anthropic.Emulator.Requests.WhenReceived(0).DefaultTimeout()).RawJson, StringComparison.Ordinal);
        Assert.DoesNotContain("voiceagent", (await openai.Emulator.Requests.WhenReceived(0).DefaultTimeout()).RawJson, StringComparison.Ordinal);
    }
}
