using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.ModelHttp;

/// <summary>A whole ConversationRelay call whose model requests go over HTTP/2 (MODEL_HTTP_VERSION=2, h2c to the emulator).</summary>
public sealed class RelayModelHttp2Tests
{
    private static Dictionary<string, string?> Http2 => new() { ["MODEL_HTTP_VERSION"] = "2", ["WELCOME_GREETING"] = "" };

    [Fact]
    public async Task A_relay_turn_asks_the_model_over_HTTP2()
    {
        await using var server = await RelayServer.StartAsync(Http2);
        server.Model.Enqueue(ChatReply.Text("Hello over two."));

        await using var caller = await server.CallAsync();
        Assert.Equal("Hello over two.", await caller.AskAsync("Hi"));

        Assert.Equal("HTTP/2", (await server.Model.Requests.WhenReceived(0).DefaultTimeout()).Protocol);
    }

    [Fact]
    public async Task Barge_in_over_HTTP2_resets_the_upstream_stream_and_the_next_turn_reuses_the_connection()
    {
        await using var server = await RelayServer.StartAsync(Http2);
        Assert.Equal(1, server.Model.TcpConnectionsAccepted); // the warm-up opened it at start
        var neverReleased = new TaskCompletionSource();
        server.Model.Enqueue(new ChatReply { TextChunks = ["Let me read ", "you the whole list."], Gate = neverReleased.Task, GateAfterDeltas = 1 });
        server.Model.Enqueue(ChatReply.Text("The basic plan."));
        await using var caller = await server.CallAsync();
        await caller.SendPromptAsync("What do you charge?").DefaultTimeout();
        Assert.Equal("Let me read ", (await caller.NextOfTypeAsync("text")).Token);

        await caller.SendInterruptAsync("Let me read").DefaultTimeout();
        await server.Model.Requests.WhenAborted(0).DefaultTimeout();
        Assert.Equal("The basic plan.", await caller.AskAsync("Just the basic plan."));

        Assert.Equal("HTTP/2", (await server.Model.Requests.WhenReceived(1).DefaultTimeout()).Protocol);
        Assert.Equal(1, server.Model.TcpConnectionsAccepted);
    }
}
