using System.Text.Json;
using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Providers.Anthropic;
using VoiceAgent.Providers.Resilience;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Anthropic;

/// <summary>What our own Messages API client adds beyond the SDK-era tests, over the emulator's real socket.</summary>
public sealed class AnthropicLeanClientTests
{
    [Fact]
    public async Task Sampling_options_and_stop_sequences_are_sent_in_the_request_body()
    {
        await using var h = await AnthropicHarness.StartAsync();

        await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")],
            new ChatOptions { Temperature = 0.25f, TopP = 0.5f, TopK = 40, StopSequences = ["Goodbye."] }).CollectAsync().DefaultTimeout();

        using var body = JsonDocument.Parse((await h.Emulator.Requests.WhenReceived(0).DefaultTimeout()).RawJson);
        var root = body.RootElement;
        Assert.Equal((0.25, 0.5, 40), (root.GetProperty("temperature").GetDouble(), root.GetProperty("top_p").GetDouble(), root.GetProperty("top_k").GetInt32()));
        Assert.Equal(["Goodbye."], root.GetProperty("stop_sequences").EnumerateArray().Select(e => e.GetString()));
        Assert.True(root.GetProperty("stream").GetBoolean());
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("none")]
    public async Task The_tool_mode_is_sent_as_tool_choice_beside_the_tools_schemas(string mode)
    {
        await using var h = await AnthropicHarness.StartAsync();

        await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions
        {
            Tools = [ToolDeclarations.TransferCall],
            ToolMode = mode == "auto" ? ChatToolMode.Auto : ChatToolMode.None,
        }).CollectAsync().DefaultTimeout();

        using var body = JsonDocument.Parse((await h.Emulator.Requests.WhenReceived(0).DefaultTimeout()).RawJson);
        Assert.Equal(mode, body.RootElement.GetProperty("tool_choice").GetProperty("type").GetString());
        var tool = Assert.Single(body.RootElement.GetProperty("tools").EnumerateArray().ToList());
        Assert.Equal(ToolDeclarations.TransferCall.JsonSchema.GetRawText(), tool.GetProperty("input_schema").GetRawText());
    }

    [Fact]
    public async Task Cached_input_tokens_arrive_as_one_usage_report_in_the_form_the_cost_code_reads()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.Text("We are open ", "from nine.") with { InputTokens = 1200, CachedInputTokens = 1000 });

        var updates = await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hours?")]).CollectAsync().DefaultTimeout();

        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        Assert.Equal((1200L, 1000L, 2L), (usage.InputTokenCount, usage.CachedInputTokenCount, usage.OutputTokenCount));
        Assert.Equal("claude-haiku-4-5", updates[^1].ModelId);
    }

    [Fact]
    public async Task Consecutive_streams_go_over_one_pooled_connection()
    {
        await using var h = await AnthropicHarness.StartAsync();

        for (var i = 0; i < 3; i++)
            await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, $"Question {i}")]).CollectAsync().DefaultTimeout();

        Assert.Equal(3, h.Emulator.Requests.Count);
        Assert.Equal(1, h.Emulator.TcpConnectionsAccepted);
    }

    [Fact]
    public async Task A_non_streamed_response_carries_text_and_usage()
    {
        await using var h = await AnthropicHarness.StartAsync();

        var response = await h.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).DefaultTimeout();

        Assert.False((await h.Emulator.Requests.WhenReceived(0).DefaultTimeout()).Stream);
        Assert.Equal(DefaultChatReply.For("Hi"), response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("msg_emul_001", response.ResponseId);
        Assert.NotNull(response.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task A_non_streamed_tool_use_becomes_a_function_call()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.Enqueue(ChatReply.ToolCall("transfer_call", """{"department":"billing"}""", id: "toolu_emul_09"));

        var response = await h.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "Billing")], new ChatOptions { Tools = [ToolDeclarations.TransferCall] }).DefaultTimeout();

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(("toolu_emul_09", "transfer_call", "billing"), (call.CallId, call.Name, ToolDeclarations.StringArgument(call, "department")));
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public async Task An_http_error_keeps_the_documented_error_type_request_id_and_retry_hint()
    {
        await using var h = await AnthropicHarness.StartAsync();
        h.Emulator.EnqueueFault(ChatFault.Http(429, retryAfter: TimeSpan.FromSeconds(2)));

        var error = await Assert.ThrowsAsync<AnthropicApiException>(() => h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).CollectAsync().DefaultTimeout());

        Assert.Equal((429, "rate_limit_error", TimeSpan.FromSeconds(2)), (error.Status, error.ErrorType, error.RetryAfter));
        Assert.False(string.IsNullOrEmpty(error.RequestId));
    }

    [Fact]
    public async Task With_one_retry_allowed_a_rate_limit_is_retried_after_the_servers_hint_on_the_clock()
    {
        var clock = new ManualTimeProvider();
        await using var emulator = new AnthropicEmulator(new ChatEmulatorOptions { ApiKey = AnthropicHarness.ApiKey });
        await emulator.StartAsync().DefaultTimeout();
        using var client = AnthropicChatClientFactory.Create(new AnthropicModelOptions { ApiKey = AnthropicHarness.ApiKey, BaseUrl = emulator.BaseUrl, MaxRetries = 1 }, clock: clock);
        emulator.EnqueueFault(ChatFault.Http(429, retryAfter: TimeSpan.FromSeconds(2)));

        var reply = client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).CollectAsync();
        await clock.WaitForPendingTimersAsync(2).DefaultTimeout(); // the call's timeout and the wait before the retry

        Assert.True(clock.HasTimerDueIn(TimeSpan.FromSeconds(2)));
        Assert.Equal(1, emulator.Requests.Count);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(DefaultChatReply.For("Hi"), (await reply.DefaultTimeout()).JoinText());
        Assert.Equal(2, emulator.Requests.Count);
    }

    [Fact]
    public async Task A_stream_running_past_the_call_timeout_fails_as_a_timeout_and_closes_the_request()
    {
        var clock = new ManualTimeProvider();
        await using var emulator = new AnthropicEmulator(new ChatEmulatorOptions { ApiKey = AnthropicHarness.ApiKey });
        await emulator.StartAsync().DefaultTimeout();
        using var client = AnthropicChatClientFactory.Create(new AnthropicModelOptions { ApiKey = AnthropicHarness.ApiKey, BaseUrl = emulator.BaseUrl, Timeout = TimeSpan.FromSeconds(5) }, clock: clock);
        emulator.EnqueueFault(ChatFault.Stall(afterDeltas: 1));
        await using var stream = client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).GetAsyncEnumerator();
        await stream.NextTextAsync().DefaultTimeout();

        var next = stream.NextTextAsync();
        clock.Advance(TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => next.DefaultTimeout());
        Assert.Equal(ProviderFailureKind.Timeout, ProviderFailure.Classify(error).Kind);
        await emulator.Requests.WhenAborted(0).DefaultTimeout();
    }
}
