using VoiceAgent.Conversation;
using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Deepgram;
using VoiceAgent.Emulators.ElevenLabs;
using VoiceAgent.Emulators.Twilio.MediaStreams;
using VoiceAgent.Storage.Sessions;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;
using VoiceAgent.Tests.TestSupport.Processes;

namespace VoiceAgent.Tests.EndToEnd.Failover;

/// <summary>
/// The audio path's failover over real sockets: two real server processes sharing one Redis and one data folder,
/// emulated Twilio Media Streams in front (webhook, signed stream, the <c>&lt;Redirect&gt;</c> after
/// <c>&lt;Connect&gt;&lt;Stream&gt;</c>), emulated Deepgram, ElevenLabs and model behind. The test plays the load balancer.
/// </summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)] // real-time audio: keep the cores free for the 20 ms clocks
public sealed class MediaStreamsTwoInstanceTests : IAsyncLifetime
{
    private static readonly AgentOptions Lines = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private AnthropicEmulator _model = null!;
    private DeepgramEmulator _stt = null!;
    private ElevenLabsEmulator _tts = null!;
    private string _dataDir = null!;
    private string _redisUrl = null!;
    private RedisServer? _ownedRedis;
    private ServerProcess _a = null!;
    private ServerProcess _b = null!;

    public async Task InitializeAsync()
    {
        _model = new AnthropicEmulator(new() { ApiKey = "test-key", InterTokenDelay = TimeSpan.FromMilliseconds(2) });
        await _model.StartAsync().DefaultTimeout();
        _stt = new DeepgramEmulator("dg-test-key");
        await _stt.StartAsync().DefaultTimeout();
        _tts = new ElevenLabsEmulator(new ElevenLabsEmulatorBehavior { ApiKey = "el-test-key" });
        await _tts.StartAsync().DefaultTimeout();
        _dataDir = Directory.CreateTempSubdirectory("voiceagent-two-audio-").FullName;
        (_redisUrl, _ownedRedis) = await RedisServer.SharedAsync();
        var started = await ServerProcess.StartManyAsync(2, () => Environment());
        (_a, _b) = (started[0], started[1]);
    }

    public async Task DisposeAsync()
    {
        // xUnit 2 runs this after a failed InitializeAsync too: only what was set up is disposed.
        if (_a is not null) await _a.DisposeAsync();
        if (_b is not null) await _b.DisposeAsync();
        if (_ownedRedis is not null) await _ownedRedis.DisposeAsync();
        if (_model is not null) await _model.DisposeAsync();
        if (_stt is not null) await _stt.DisposeAsync();
        if (_tts is not null) await _tts.DisposeAsync();
        _http.Dispose();
        if (_dataDir is not null) Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task A_media_streams_call_whose_instance_is_killed_resumes_on_the_other_through_the_redirect_with_its_history()
    {
        var target = _a;
        await using var call = await MediaStreamsCall.DialAsync(new MediaStreamsCallOptions
        {
            WebhookUrl = new Uri(RelayServer.PublicBaseUrl + "/twiml/stream"),
            AuthToken = RelayServer.AuthToken,
            AccountSid = RelayServer.AccountSid,
            Route = uri => PublicRoute.To(uri, target.Address),
        }, _http, CancellationToken.None).DefaultTimeout();
        await SayAndHearReplyAsync(call.Caller, "My name is Ada Lovelace.", "Nice to meet you, Ada.");
        await SayAndHearReplyAsync(call.Caller, "I need a plumber on Tuesday.", "Tuesday is fine.");
        // A's last reply reached Redis: the kill loses nothing the other instance needs.
        await WaitForStoredAsync(call.CallSid, s => s.TurnCount == 2 && s.Transcript.Any(e => e.Kind == TranscriptEntryKind.Agent && e.Text == "Tuesday is fine."));

        await _a.KillAsync();
        target = _b;
        var verb = await call.FollowStreamEndAsync().DefaultTimeout(TimeSpan.FromSeconds(30));

        Assert.Null(verb); // the resume endpoint answered with a new <Connect><Stream> on the same CallSid
        Assert.Equal(2, call.Streams);
        await WaitForSpokenAsync(Lines.ReconnectLine);
        await WaitForHeardRepliesAsync(call.Caller, 1); // the caller heard the line to its end on the new stream
        var before = _model.Requests.Count;
        _model.Enqueue(ChatReply.Text("You said Tuesday."));
        _stt.EnqueueTranscript("What day did I say?");
        await call.Caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("What day did I say?")).DefaultTimeout();
        var request = await _model.Requests.WhenReceived(before).DefaultTimeout(TimeSpan.FromSeconds(20));

        var said = request.Messages.Select(m => $"{m.Role}: {m.Text}").ToList();
        Assert.Single(said, m => m.StartsWith("user:", StringComparison.Ordinal) && m.Contains("My name is Ada Lovelace.", StringComparison.Ordinal));
        Assert.Single(said, m => m.StartsWith("user:", StringComparison.Ordinal) && m.Contains("I need a plumber on Tuesday.", StringComparison.Ordinal));
        Assert.Contains(said, m => m.StartsWith("assistant:", StringComparison.Ordinal) && m.Contains("Tuesday is fine.", StringComparison.Ordinal));
        Assert.Contains(said, m => m.StartsWith("assistant:", StringComparison.Ordinal) && m.Contains(Lines.ReconnectLine, StringComparison.Ordinal));
        Assert.DoesNotContain(said, m => m.Contains("[interrupted", StringComparison.Ordinal));
        Assert.EndsWith("What day did I say?", request.Messages[^1].Text, StringComparison.Ordinal);
    }

    /// <summary>The caller says <paramref name="text"/> and hears the scripted reply to its end (its end mark echoed, not cleared).</summary>
    private async Task SayAndHearReplyAsync(MediaStreamsCaller caller, string text, string reply)
    {
        var heard = HeardReplies(caller);
        _model.Enqueue(ChatReply.Text(reply));
        _stt.EnqueueTranscript(text);
        await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync(text)).DefaultTimeout();
        await WaitForHeardRepliesAsync(caller, heard + 1);
    }

    private static async Task WaitForHeardRepliesAsync(MediaStreamsCaller caller, int replies)
    {
        for (var i = 0; i < 600 && HeardReplies(caller) < replies; i++) await Task.Delay(50);
        Assert.Equal(replies, HeardReplies(caller));
    }

    private static int HeardReplies(MediaStreamsCaller caller) => caller.MarkEchoes.Count(m => m.Name.EndsWith("end", StringComparison.Ordinal) && !m.DueToClear);

    private async Task WaitForSpokenAsync(string line)
    {
        for (var i = 0; i < 400; i++)
        {
            if (_tts.Sessions.Any(s => s.SpokenText.Trim() == line)) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Nobody asked ElevenLabs to say '{line}'.");
    }

    private async Task WaitForStoredAsync(string callSid, Func<SessionSnapshot, bool> condition)
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisConnection.Parse(_redisUrl).Options!).DefaultTimeout();
        var store = new RedisSessionStore(redis, new SessionStoreOptions(), TimeProvider.System);
        for (var i = 0; i < 400; i++)
        {
            if (await store.LoadAsync(callSid, default).DefaultTimeout() is { } snapshot && condition(snapshot)) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Redis never held the expected state of {callSid}.");
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["PUBLIC_BASE_URL"] = RelayServer.PublicBaseUrl,
        ["TWILIO_AUTH_TOKEN"] = RelayServer.AuthToken,
        ["TWILIO_ACCOUNT_SID"] = RelayServer.AccountSid,
        ["DATA_DIR"] = _dataDir,
        ["ANTHROPIC_API_KEY"] = "test-key",
        ["ANTHROPIC_BASE_URL"] = _model.BaseUrl.ToString().TrimEnd('/'),
        ["DEEPGRAM_API_KEY"] = "dg-test-key",
        ["DEEPGRAM_BASE_URL"] = _stt.WebSocketBaseUrl.ToString().TrimEnd('/'),
        ["ELEVENLABS_API_KEY"] = "el-test-key",
        ["ELEVENLABS_BASE_URL"] = _tts.WebSocketBaseUrl.ToString().TrimEnd('/'),
        ["WELCOME_GREETING"] = "",
        ["MODEL_FIRST_TOKEN_TIMEOUT_MS"] = RelayServer.LongTimeoutMs,
        ["MODEL_STALL_TIMEOUT_MS"] = RelayServer.LongTimeoutMs,
        ["REDIS_URL"] = _redisUrl,
    };
}
