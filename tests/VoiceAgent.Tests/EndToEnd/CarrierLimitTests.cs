using System.Net.WebSockets;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Emulators.Twilio.MediaStreams;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>
/// Carrier sockets that misbehave, over real sockets on the real server: never starting, going silent, never
/// answering pings, outlasting the maximum call length, and no longer reading. Limits are set tiny; the waits only
/// guard against hangs and nothing asserts how fast the server was.
/// </summary>
public sealed class CarrierLimitTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private static string SetupJson(string callSid) =>
        $$$"""{"type":"setup","sessionId":"VX1","accountSid":"{{{RelayServer.AccountSid}}}","callSid":"{{{callSid}}}","from":"+15555550100","to":"+15555550199","direction":"inbound","customParameters":{}}""";

    [Fact]
    public async Task A_signed_relay_upgrade_that_never_sends_setup_is_closed()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["SOCKET_START_TIMEOUT_MS"] = "200" });
        await using var caller = await ConversationRelayCaller.ConnectAsync(server.SocketUrl, RelayServer.SignedSocketUrl, RelayServer.AuthToken, CancellationToken.None).DefaultTimeout();

        await caller.WaitForCloseAsync().DefaultTimeout(HangGuard);
    }

    [Fact]
    public async Task A_media_socket_that_never_sends_start_is_closed()
    {
        await using var server = await AudioServer.StartAsync(new Dictionary<string, string?> { ["SOCKET_START_TIMEOUT_MS"] = "200" });
        await using var client = await RawWebSocketCaller.ConnectAsync(server.Address, "/ws/media", AudioServer.SignedMediaUrl, RelayServer.AuthToken, CancellationToken.None).DefaultTimeout();
        await client.SendTextAsync("""{"event":"connected","protocol":"Call","version":"1.0.0"}""", CancellationToken.None).DefaultTimeout();

        await client.DrainUntilClosedAsync(CancellationToken.None).DefaultTimeout(HangGuard);
    }

    [Fact]
    public async Task A_media_socket_that_goes_silent_after_start_is_closed_and_the_call_ends()
    {
        await using var server = await AudioServer.StartAsync(new Dictionary<string, string?> { ["CARRIER_IDLE_TIMEOUT_MS"] = "300" });
        await using var caller = await server.CallAsync(new MediaStreamsCallerOptions { SendSilenceWhenIdle = false });

        await caller.WaitForCloseAsync().DefaultTimeout(HangGuard);
        Assert.True(caller.ClosedByServer);
    }

    [Fact]
    public async Task A_client_that_never_answers_pings_is_dropped()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["WEBSOCKET_KEEPALIVE_INTERVAL_MS"] = "100",
            ["WEBSOCKET_KEEPALIVE_TIMEOUT_MS"] = "200",
            ["WELCOME_GREETING"] = "",
        });
        await using var client = await RawWebSocketCaller.ConnectAsync(server.Address, "/ws/relay", RelayServer.SignedSocketUrl, RelayServer.AuthToken, CancellationToken.None).DefaultTimeout();
        await client.SendTextAsync(SetupJson(RelayServer.NewCallSid()), CancellationToken.None).DefaultTimeout();

        // It reads the pings but never answers them: Kestrel's pong timeout ends the connection.
        var received = await client.DrainUntilClosedAsync(CancellationToken.None).DefaultTimeout(HangGuard);
        Assert.True(received > 0, "the server sent pings before giving up");
    }

    [Fact]
    public async Task The_maximum_call_length_ends_the_call_politely()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["MAX_CALL_SECONDS"] = "1" });
        await using var caller = await server.CallAsync();

        var frames = new List<RelayServerFrame>();
        for (var i = 0; i < 100 && frames.LastOrDefault()?.Type != "end"; i++)
            frames.Add(await caller.ReadFrameAsync().DefaultTimeout(HangGuard));

        Assert.Equal("end", frames[^1].Type);
        Assert.Contains(frames, f => f.Type == "text" && f.Token == "Thanks for calling. Goodbye.");
        Assert.Contains("maximum call length", frames[^1].HandoffData, StringComparison.Ordinal);
        await caller.WaitForCloseAsync().DefaultTimeout(HangGuard);
    }

    [Fact]
    public async Task Other_calls_complete_their_turns_while_a_caller_has_stopped_reading()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["MODEL_FIRST_TOKEN_TIMEOUT_MS"] = "60000",
            ["MODEL_STALL_TIMEOUT_MS"] = "60000",
            ["WELCOME_GREETING"] = "",
        });
        var chunk = new string('a', 2000) + " ";
        server.Model.Enqueue(new ChatReply { TextChunks = Enumerable.Repeat(chunk, 1000).ToArray(), InterTokenDelay = TimeSpan.Zero });

        await using var stuck = await RawWebSocketCaller.ConnectAsync(server.Address, "/ws/relay", RelayServer.SignedSocketUrl, RelayServer.AuthToken, CancellationToken.None).DefaultTimeout();
        await stuck.SendTextAsync(SetupJson(RelayServer.NewCallSid()), CancellationToken.None).DefaultTimeout();
        await stuck.SendTextAsync("""{"type":"prompt","voicePrompt":"Tell me everything.","lang":"en-US","last":true}""", CancellationToken.None).DefaultTimeout();
        await server.Model.Requests.WhenReceived(0).DefaultTimeout(HangGuard);

        await using var reading = await server.CallAsync();
        var sent = await reading.SendPromptAsync("What are your opening hours?").DefaultTimeout();
        var reply = await reading.ReadReplyAsync(sent).DefaultTimeout(HangGuard);
        Assert.Contains("opening hours", reply.Text, StringComparison.Ordinal);
    }
}
