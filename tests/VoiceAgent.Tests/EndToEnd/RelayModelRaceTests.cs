using System.Net;
using System.Net.Sockets;
using VoiceAgent.Conversation;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.OpenAI;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Tests.TestSupport;
using Xunit.Abstractions;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>
/// The first-token race through a real ConversationRelay call, with Anthropic as the primary and the OpenAI
/// emulator as LLM_FALLBACK_PROVIDER. A slow primary is scripted minutes slow, so only the race can answer in
/// time; the give-up deadline is longer than every hang guard, so no deadline stands in for the behaviour.
/// Each call prints what the caller heard and when (the transcript in docs/failure-modes.md).
/// </summary>
public sealed class RelayModelRaceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string Fallback = new AgentOptions().FallbackLine;
    private static readonly TimeSpan Minutes = TimeSpan.FromMinutes(5);
    private readonly OpenAIEmulator _openAI = new(new ChatEmulatorOptions { ApiKey = "test-openai-key" });
    private RelayServer? _server;

    public Task InitializeAsync() => _openAI.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        await _openAI.DisposeAsync();
    }

    private async Task<RelayServer> StartAsync(string firstTokenTimeoutMs, bool withFallback = true, string? anthropicBaseUrl = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["MODEL_FIRST_TOKEN_TIMEOUT_MS"] = firstTokenTimeoutMs,
            ["MODEL_GIVE_UP_TIMEOUT_MS"] = RelayServer.LongTimeoutMs,
        };
        if (withFallback)
        {
            settings["LLM_FALLBACK_PROVIDER"] = "openai";
            settings["OPENAI_API_KEY"] = "test-openai-key";
            settings["OPENAI_BASE_URL"] = _openAI.ApiBaseUrl.ToString();
        }
        if (anthropicBaseUrl is not null) settings["ANTHROPIC_BASE_URL"] = anthropicBaseUrl;
        return _server = await RelayServer.StartAsync(settings);
    }

    [Fact]
    public async Task A_slow_primary_is_raced_and_the_caller_hears_the_fallback_provider_while_the_primary_request_is_aborted()
    {
        var server = await StartAsync(firstTokenTimeoutMs: "800");
        server.Model.Enqueue(ChatReply.Text("Too late.") with { FirstTokenDelay = Minutes });
        _openAI.Enqueue(ChatReply.Text("Your order ", "shipped ", "yesterday."));
        await using var caller = await server.CallAsync();

        var reply = await AskAndPrintAsync(caller, "Where is my order?");

        Assert.Equal("Your order shipped yesterday.", reply);
        await server.Model.Requests.WhenAborted(0).DefaultTimeout();
        Assert.Equal(1, server.Model.Requests.Count);
        Assert.Equal("gpt-4o", (await _openAI.Requests.WhenReceived(0).DefaultTimeout()).Model);
    }

    [Fact]
    public async Task Without_a_fallback_provider_a_slow_request_is_raced_against_a_second_request_to_the_same_provider()
    {
        var server = await StartAsync(firstTokenTimeoutMs: "800", withFallback: false);
        server.Model.Enqueue(ChatReply.Text("Too late.") with { FirstTokenDelay = Minutes });
        server.Model.Enqueue(ChatReply.Text("Second ", "request."));
        await using var caller = await server.CallAsync();

        Assert.Equal("Second request.", await caller.AskAsync("Hello?"));
        await server.Model.Requests.WhenAborted(0).DefaultTimeout();
        Assert.Equal(ChatRequestOutcome.Completed, await server.Model.Requests.WhenEnded(1).DefaultTimeout());
    }

    [Fact]
    public async Task A_primary_refusing_connections_fails_over_to_the_fallback_provider_without_waiting_for_the_timeout()
    {
        // The race timeout is ten minutes: only the refused connection can start the second request in time.
        var server = await StartAsync(firstTokenTimeoutMs: RelayServer.LongTimeoutMs, anthropicBaseUrl: $"http://127.0.0.1:{ClosedPort()}");
        _openAI.Enqueue(ChatReply.Text("Fallback ", "here."));
        await using var caller = await server.CallAsync();

        Assert.Equal("Fallback here.", await caller.AskAsync("Hello?"));
    }

    [Fact]
    public async Task With_both_providers_down_the_caller_hears_the_spoken_fallback_and_the_next_turn_works()
    {
        var server = await StartAsync(firstTokenTimeoutMs: "800");
        server.Model.EnqueueFault(ChatFault.Http(529));
        _openAI.EnqueueFault(ChatFault.Http(503));
        server.Model.Enqueue(ChatReply.Text("Back ", "to ", "normal."));
        await using var caller = await server.CallAsync();

        Assert.Equal(Fallback, await AskAndPrintAsync(caller, "Where is my order?"));
        Assert.Equal((1, 1), (server.Model.Requests.Count, _openAI.Requests.Count));
        Assert.Equal("Back to normal.", await AskAndPrintAsync(caller, "Hello again?"));
    }

    private async Task<string> AskAndPrintAsync(ConversationRelayCaller caller, string text)
    {
        var sentAt = await caller.SendPromptAsync(text).DefaultTimeout();
        var reply = await caller.ReadReplyAsync(sentAt).DefaultTimeout();
        output.WriteLine($"caller says: \"{text}\"");
        output.WriteLine($"  +{reply.FirstTokenMs,6:0} ms  first words reach Twilio TTS");
        output.WriteLine($"  +{reply.LastTokenMs,6:0} ms  reply complete: \"{reply.Text}\"");
        return reply.Text;
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
