using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.OpenAI;
using VoiceAgent.Providers.Anthropic;
using VoiceAgent.Providers.OpenAI;
using VoiceAgent.Providers.Resilience;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Emulators;

namespace VoiceAgent.Tests.Providers.ModelHttp;

/// <summary>MODEL_HTTP_VERSION on the model clients, over the emulators' real sockets (h2c on their HTTP/2 port).</summary>
public sealed class ModelHttp2ClientTests
{
    private const string ApiKey = "sk-http2";

    [Fact]
    public async Task The_Anthropic_client_set_to_HTTP2_streams_over_HTTP2()
    {
        await using var emulator = await EmulatorRequests.StartedAsync(new AnthropicEmulator(new ChatEmulatorOptions { ApiKey = ApiKey }));
        using var client = AnthropicChatClientFactory.Create(new AnthropicModelOptions { ApiKey = ApiKey, BaseUrl = emulator.Http2BaseUrl!, HttpVersion = ModelHttpVersion.Http2 });

        var (text, protocol) = await EmulatorRequests.AskOnceAsync(client, emulator);

        Assert.NotEmpty(text);
        Assert.Equal("HTTP/2", protocol);
    }

    [Fact]
    public async Task The_OpenAI_SDK_client_set_to_HTTP2_streams_over_HTTP2()
    {
        await using var emulator = await EmulatorRequests.StartedAsync(new OpenAIEmulator(new ChatEmulatorOptions { ApiKey = ApiKey }));
        using var client = OpenAIChatClientFactory.Create(new OpenAIModelOptions { ApiKey = ApiKey, BaseUrl = new Uri(emulator.Http2BaseUrl!, "/v1"), HttpVersion = ModelHttpVersion.Http2 });

        var (text, protocol) = await EmulatorRequests.AskOnceAsync(client, emulator);

        Assert.NotEmpty(text);
        Assert.Equal("HTTP/2", protocol);
    }

    [Fact]
    public async Task By_default_the_model_is_asked_over_HTTP11()
    {
        await using var emulator = await EmulatorRequests.StartedAsync(new AnthropicEmulator(new ChatEmulatorOptions { ApiKey = ApiKey }));
        using var client = AnthropicChatClientFactory.Create(new AnthropicModelOptions { ApiKey = ApiKey, BaseUrl = emulator.BaseUrl });

        var (_, protocol) = await EmulatorRequests.AskOnceAsync(client, emulator);

        Assert.Equal("HTTP/1.1", protocol);
    }

    [Fact]
    public async Task A_cancelled_HTTP2_stream_is_reset_upstream_and_the_next_stream_reuses_the_connection()
    {
        await using var emulator = await EmulatorRequests.StartedAsync(new AnthropicEmulator(new ChatEmulatorOptions { ApiKey = ApiKey }));
        using var client = AnthropicChatClientFactory.Create(new AnthropicModelOptions { ApiKey = ApiKey, BaseUrl = emulator.Http2BaseUrl!, HttpVersion = ModelHttpVersion.Http2 });
        await EmulatorRequests.CancelOneStreamAsync(client, emulator, next: ChatReply.Text("Second."));

        var second = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Again")]).CollectAsync().DefaultTimeout();

        Assert.Equal("Second.", string.Concat(second.Select(u => u.Text)));
        Assert.Equal(1, emulator.TcpConnectionsAccepted);
    }

    [Fact]
    public async Task A_cancelled_HTTP11_stream_closes_its_connection_so_the_next_stream_connects_anew()
    {
        await using var emulator = await EmulatorRequests.StartedAsync(new AnthropicEmulator(new ChatEmulatorOptions { ApiKey = ApiKey }));
        using var client = AnthropicChatClientFactory.Create(new AnthropicModelOptions { ApiKey = ApiKey, BaseUrl = emulator.BaseUrl, HttpVersion = ModelHttpVersion.Http11 });
        await EmulatorRequests.CancelOneStreamAsync(client, emulator, next: ChatReply.Text("Second."));

        await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Again")]).CollectAsync().DefaultTimeout();

        Assert.Equal(2, emulator.TcpConnectionsAccepted);
    }

    [Theory]
    [InlineData(ModelHttpVersion.Auto, "https://api.anthropic.com", true)]
    [InlineData(ModelHttpVersion.Auto, "http://127.0.0.1:8081", false)]
    [InlineData(ModelHttpVersion.Http2, "http://127.0.0.1:8081", true)]
    [InlineData(ModelHttpVersion.Http2, "https://api.openai.com/v1", true)]
    [InlineData(ModelHttpVersion.Http11, "https://api.anthropic.com", false)]
    public void HTTP2_is_used_over_https_by_default_and_in_clear_text_only_when_asked(ModelHttpVersion version, string origin, bool http2)
        => Assert.Equal(http2, ModelHttpVersionHandler.UsesHttp2(version, new Uri(origin)));
}
