using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Emulators.Vonage;
using VoiceAgent.Storage.Sessions;
using VoiceAgent.Telephony.WebSockets;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>
/// A caller whose socket stops being read (a raw TCP client with a 4 KiB receive buffer that completes the upgrade
/// and then never reads again) while a long reply streams, on each transport, over real sockets: the call's queued
/// output never exceeds its budget, the send stall (not the pong timeout, which is set far away) ends the call the
/// normal way with its transcript kept, and a second call on the same server keeps being served throughout. Waits
/// are generous hang guards; nothing asserts how fast the server was.
/// </summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)] // real-time audio: keep the cores free for the 20 ms clocks
public sealed class NonReadingCallerTests
{
    private const int Budget = 8 * 1024;
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(90);

    /// <summary>Only the send stall can end the stuck call: no pings, no idle limit, no maximum length within the test.</summary>
    private static Dictionary<string, string?> StallSettings(string? greeting = "") => new()
    {
        ["SEND_STALL_TIMEOUT_MS"] = "1000",
        ["CARRIER_OUTPUT_BUDGET_BYTES"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["WEBSOCKET_KEEPALIVE_INTERVAL_MS"] = RelayServer.LongTimeoutMs,
        ["WEBSOCKET_KEEPALIVE_TIMEOUT_MS"] = RelayServer.LongTimeoutMs,
        ["CARRIER_IDLE_TIMEOUT_MS"] = RelayServer.LongTimeoutMs,
        ["WELCOME_GREETING"] = greeting,
    };

    /// <summary>A greeting minutes long: far more audio than every buffer between the server and a stuck caller holds.</summary>
    private static string LongGreeting() => string.Join(' ', Enumerable.Range(1, 120).Select(i => $"Here is sentence number {i} of a very long welcome that nobody is listening to."));

    [Fact]
    public async Task A_relay_caller_that_stops_reading_is_ended_by_the_send_stall_within_its_budget_while_another_call_is_served()
    {
        await using var server = await RelayServer.StartAsync(StallSettings());
        using var output = new CarrierOutputListener(server.App.Services);
        Diagnostics = output.ToString;
        var chunk = new string('a', 2000) + " ";
        server.Model.Enqueue(new ChatReply { TextChunks = Enumerable.Repeat(chunk, 2000).ToArray(), InterTokenDelay = TimeSpan.Zero }); // 4 MB
        var stuckSid = RelayServer.NewCallSid();

        await using var stuck = await RawWebSocketCaller.ConnectAsync(server.Address, "/ws/relay", RelayServer.SignedSocketUrl, RelayServer.AuthToken, CancellationToken.None).DefaultTimeout();
        await stuck.SendTextAsync($$$"""{"type":"setup","sessionId":"VX1","accountSid":"{{{RelayServer.AccountSid}}}","callSid":"{{{stuckSid}}}","from":"+15555550100","to":"+15555550199","direction":"inbound","customParameters":{}}""", CancellationToken.None).DefaultTimeout();
        await stuck.SendTextAsync("""{"type":"prompt","voicePrompt":"Tell me everything.","lang":"en-US","last":true}""", CancellationToken.None).DefaultTimeout();
        await server.Model.Requests.WhenReceived(0).DefaultTimeout(HangGuard);

        await using var reading = await server.CallAsync();
        var before = await reading.ReadReplyAsync(await reading.SendPromptAsync("What are your opening hours?").DefaultTimeout()).DefaultTimeout(HangGuard);

        var ended = await WaitForEndedAsync(server.App.Services, stuckSid);
        Assert.Contains(ended.Transcript, e => e.Text.Contains("Tell me everything.", StringComparison.Ordinal));
        Assert.Equal(1, output.Stalls("conversation-relay"));
        Assert.InRange(output.MaxQueued("conversation-relay"), 1, Budget);
        await server.Model.Requests.WhenEnded(0).DefaultTimeout(HangGuard);

        var after = await reading.ReadReplyAsync(await reading.SendPromptAsync("And on Sundays?").DefaultTimeout()).DefaultTimeout(HangGuard);
        Assert.Contains("opening hours", before.Text, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(after.Text));
        await stuck.DrainUntilClosedAsync(CancellationToken.None).DefaultTimeout(HangGuard); // the server closed it
    }

    [Fact]
    public async Task A_media_streams_caller_that_stops_reading_is_ended_by_the_send_stall_within_its_budget_while_another_call_is_served()
    {
        await using var server = await AudioServer.StartAsync(StallSettings(LongGreeting()));
        using var output = new CarrierOutputListener(server.App.Services);
        Diagnostics = output.ToString;
        await using var listening = await server.CallAsync();
        await listening.WaitForAudioAsync(8000).DefaultTimeout(HangGuard);
        var stuckSid = RelayServer.NewCallSid();

        await using var stuck = await RawWebSocketCaller.ConnectAsync(server.Address, "/ws/media", AudioServer.SignedMediaUrl, RelayServer.AuthToken, CancellationToken.None).DefaultTimeout();
        await stuck.SendTextAsync("""{"event":"connected","protocol":"Call","version":"1.0.0"}""", CancellationToken.None).DefaultTimeout();
        await stuck.SendTextAsync($$$$"""{"event":"start","sequenceNumber":"1","streamSid":"MZstuck","start":{"streamSid":"MZstuck","accountSid":"{{{{RelayServer.AccountSid}}}}","callSid":"{{{{stuckSid}}}}","tracks":["inbound"],"customParameters":{},"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}}""", CancellationToken.None).DefaultTimeout();

        var ended = await WaitForEndedAsync(server.App.Services, stuckSid);
        Assert.Contains(ended.Transcript, e => (e.FullText ?? e.Text).Contains("sentence number 1 ", StringComparison.Ordinal));
        Assert.Equal(1, output.Stalls("media-streams"));
        Assert.InRange(output.MaxQueued("media-streams"), 1, Budget);
        // The minutes-long greeting (thousands of frames, synthesised instantly by the emulator) was not read into
        // memory: the playout queue stayed within its bound plus what arrives after the last room check (the emulator
        // sends 260 ms, 13 frames, per message; two messages and the end-of-reply remainder are allowed).
        var bound = (int)Math.Ceiling((new VoiceAgent.Speech.Pipeline.SpeechPipelineOptions().PlayoutLead + VoiceAgent.Speech.Pipeline.Playout.QueueHeadroom).TotalMilliseconds / 20);
        Assert.InRange(output.MaxPlayoutQueued("media-streams"), 1, bound + 40);

        // The other call kept hearing its greeting throughout and still does.
        var heard = listening.OutboundMedia.Bytes;
        await listening.WaitForAudioAsync(heard + 8000).DefaultTimeout(HangGuard);
        Assert.False(listening.Closed);
        await stuck.DrainUntilClosedAsync(CancellationToken.None).DefaultTimeout(HangGuard);
    }

    [Fact]
    public async Task A_vonage_caller_that_stops_reading_is_ended_by_the_send_stall_within_its_budget_while_another_call_is_served()
    {
        await using var server = await AudioServer.StartAsync(StallSettings(LongGreeting()));
        using var output = new CarrierOutputListener(server.App.Services);
        Diagnostics = output.ToString;
        using var http = new HttpClient();
        var webhooks = server.VonageWebhooks(http);
        var answer = await webhooks.AnswerAsync("aaaaaaaa-bbbb-cccc-dddd-0000000000a1", from: "447700900123", to: "447700900000", CancellationToken.None).DefaultTimeout();
        await using var listening = await VonageCaller.ConnectAsync(new Uri($"ws://{server.Address.Authority}/ws/vonage"), answer.ToCallerOptions(), CancellationToken.None).DefaultTimeout();
        await listening.WaitForAudioAsync(32_000).DefaultTimeout(HangGuard);

        const string stuckUuid = "aaaaaaaa-bbbb-cccc-dddd-0000000000a2";
        var stuckAnswer = await webhooks.AnswerAsync(stuckUuid, from: "447700900124", to: "447700900000", CancellationToken.None).DefaultTimeout();
        var connected = new JsonObject { ["event"] = "websocket:connected", ["content-type"] = stuckAnswer.ContentType };
        foreach (var (name, value) in stuckAnswer.Headers) connected[name] = value?.DeepClone();
        await using var stuck = await RawWebSocketCaller.ConnectAsync(server.Address, "/ws/vonage", "wss://unused.example.com/ws/vonage", RelayServer.AuthToken, CancellationToken.None).DefaultTimeout();
        await stuck.SendTextAsync(connected.ToJsonString(), CancellationToken.None).DefaultTimeout();

        var ended = await WaitForEndedAsync(server.App.Services, stuckUuid);
        Assert.Contains(ended.Transcript, e => (e.FullText ?? e.Text).Contains("sentence number 1 ", StringComparison.Ordinal));
        Assert.Equal(1, output.Stalls("vonage"));
        Assert.InRange(output.MaxQueued("vonage"), 1, Budget);

        var heard = listening.OutboundAudio.Bytes;
        await listening.WaitForAudioAsync(heard + 32_000).DefaultTimeout(HangGuard);
        Assert.False(listening.Closed);
        await stuck.DrainUntilClosedAsync(CancellationToken.None).DefaultTimeout(HangGuard);
    }

    /// <summary>Waits (bounded) until the call's session is stored as ended: the normal end of a call, state flushed.</summary>
    private static Func<string>? Diagnostics;

    private static async Task<SessionSnapshot> WaitForEndedAsync(IServiceProvider services, string callSid)
    {
        var store = services.GetRequiredService<ISessionStore>();
        var deadline = DateTime.UtcNow + HangGuard;
        while (DateTime.UtcNow < deadline)
        {
            if (await store.LoadAsync(callSid, CancellationToken.None) is { Status: SessionStatus.Ended } ended) return ended;
            await Task.Delay(50);
        }
        var last = await store.LoadAsync(callSid, CancellationToken.None);
        throw new TimeoutException($"call {callSid} was not ended within {HangGuard} (stored: {last?.Status.ToString() ?? "nothing"}; {Diagnostics?.Invoke()})");
    }

    /// <summary>This server's carrier-output instruments only (other tests' servers share the process).</summary>
    private sealed class CarrierOutputListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _maxQueued = new();
        private readonly ConcurrentDictionary<string, long> _stalls = new();
        private readonly ConcurrentDictionary<string, long> _maxPlayout = new();

        public CarrierOutputListener(IServiceProvider services)
        {
            var scope = services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == scope && instrument.Name is CarrierOutputMetrics.QueuedBytes or CarrierOutputMetrics.SendStalls or VoiceAgent.Observability.VoiceAgentMetrics.PlayoutQueuedFrames)
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                var transport = "";
                foreach (var tag in tags) if (tag.Key == "transport") transport = tag.Value as string ?? "";
                if (instrument.Name == CarrierOutputMetrics.QueuedBytes) _maxQueued.AddOrUpdate(transport, value, (_, old) => Math.Max(old, value));
                else if (instrument.Name == VoiceAgent.Observability.VoiceAgentMetrics.PlayoutQueuedFrames) _maxPlayout.AddOrUpdate(transport, value, (_, old) => Math.Max(old, value));
                else _stalls.AddOrUpdate(transport, value, (_, old) => old + value);
            });
            _listener.Start();
        }

        public long MaxQueued(string transport) => _maxQueued.GetValueOrDefault(transport);

        /// <summary>The most frames one call's playout queue held (audio transports).</summary>
        public long MaxPlayoutQueued(string transport) => _maxPlayout.GetValueOrDefault(transport);

        public long Stalls(string transport) => _stalls.GetValueOrDefault(transport);

        public override string ToString() => "max queued " + string.Join(",", _maxQueued) + "; max playout frames " + string.Join(",", _maxPlayout) + "; stalls " + string.Join(",", _stalls);

        public void Dispose() => _listener.Dispose();
    }
}
