using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using VoiceAgent.Conversation;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Storage.Sessions;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Processes;

namespace VoiceAgent.Tests.EndToEnd.Failover;

/// <summary>
/// Two real server processes sharing one Redis and one data folder, no sticky routing: the test plays the load
/// balancer (which instance answers each public URL) and Twilio (webhook, socket, <c>&lt;Connect action&gt;</c> callback).
/// </summary>
public sealed class TwoInstanceTests : IAsyncLifetime
{
    private const string AdminToken = "admin-token-for-tests-0123456789";
    private static readonly AgentOptions Lines = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private AnthropicEmulator _model = null!;
    private string _dataDir = null!;
    private string _redisUrl = null!;
    private RedisServer? _ownedRedis;
    private ServerProcess _a = null!;
    private ServerProcess _b = null!;

    public async Task InitializeAsync()
    {
        _model = new AnthropicEmulator(new() { ApiKey = "test-key", InterTokenDelay = TimeSpan.FromMilliseconds(1) });
        await _model.StartAsync().DefaultTimeout();
        _dataDir = Directory.CreateTempSubdirectory("voiceagent-two-").FullName;
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
        _http.Dispose();
        if (_dataDir is not null) Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task The_webhook_on_one_instance_and_the_socket_on_the_other_carry_one_call()
    {
        await using var call = await DialAsync(uri => uri.AbsolutePath.StartsWith("/ws/", StringComparison.Ordinal) ? _b : _a);

        var reply = await call.Caller.AskAsync("Do you open on Sundays?");

        Assert.Contains("Do you open on Sundays?", reply, StringComparison.Ordinal);
        var listed = await WaitForListingAsync(_a, call.CallSid);
        Assert.Equal(1, listed.GetProperty("turnCount").GetInt32());
    }

    [Fact]
    public async Task A_call_whose_instance_is_killed_resumes_on_the_other_with_its_history_and_the_reconnect_line()
    {
        var target = _a;
        await using var call = await DialAsync(_ => target);
        await call.Caller.AskAsync("My name is Ada Lovelace");
        await call.Caller.AskAsync("I need a plumber on Tuesday");
        await WaitForListingAsync(_b, call.CallSid, turns: 2);

        await _a.KillAsync();
        target = _b;
        var verb = await call.FollowActionAsync().DefaultTimeout(TimeSpan.FromSeconds(30));

        Assert.Null(verb); // a new <Connect><ConversationRelay> on the same CallSid
        Assert.Equal(2, call.Sessions);
        Assert.Equal(Lines.ReconnectLine, call.Greeting);
        var before = _model.Requests.Count;
        await call.Caller.AskAsync("What day did I say?");
        var request = await _model.Requests.WhenReceived(before).DefaultTimeout();
        var said = request.Messages.Select(m => $"{m.Role}: {m.Text}").ToList();
        Assert.Contains(said, m => m.StartsWith("user:", StringComparison.Ordinal) && m.Contains("My name is Ada Lovelace", StringComparison.Ordinal));
        Assert.Contains(said, m => m.StartsWith("user:", StringComparison.Ordinal) && m.Contains("I need a plumber on Tuesday", StringComparison.Ordinal));
        Assert.Contains(said, m => m.StartsWith("assistant:", StringComparison.Ordinal) && m.Contains(Lines.ReconnectLine, StringComparison.Ordinal));
        Assert.Single(said, m => m == "user: My name is Ada Lovelace");
    }

    [Fact]
    public async Task The_archived_transcript_of_a_call_moved_by_a_kill_holds_both_instances_turns_in_order_exactly_once()
    {
        var target = _a;
        await using var call = await DialAsync(_ => target);
        await call.Caller.AskAsync("First question on A");
        await call.Caller.AskAsync("Second question on A");
        // A's transcript reached Redis up to its last reply: nothing A still held in memory is needed after the kill.
        await WaitForStoredAsync(call.CallSid, s => s.Transcript.Any(e => e.Text == DefaultChatReply.For("Second question on A")));

        await _a.KillAsync();
        target = _b;
        Assert.Null(await call.FollowActionAsync().DefaultTimeout(TimeSpan.FromSeconds(30)));
        await call.Caller.AskAsync("Third question on B");
        var verb = await call.HangUpAsync().DefaultTimeout();

        Assert.Equal("Hangup", verb);
        using var record = await WaitForArchivedTranscriptAsync(_b, call.CallSid);
        var entries = record.RootElement.GetProperty("entries").EnumerateArray()
            .Select(e => $"{e.GetProperty("kind").GetString()}: {e.GetProperty("text").GetString()}").ToList();
        Assert.Equal(
        [
            $"Agent: {Lines.WelcomeGreeting}",
            "Caller: First question on A",
            $"Agent: {DefaultChatReply.For("First question on A")}",
            "Caller: Second question on A",
            $"Agent: {DefaultChatReply.For("Second question on A")}",
            $"Agent: {Lines.ReconnectLine}",
            "Caller: Third question on B",
            $"Agent: {DefaultChatReply.For("Third question on B")}",
        ], entries);
        Assert.Equal(3, record.RootElement.GetProperty("turnCount").GetInt32());
        var times = record.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public async Task Sigterm_fails_readiness_first_hands_the_call_over_and_exits_zero()
    {
        var target = _a;
        await using var call = await DialAsync(_ => target);
        await call.Caller.AskAsync("My account number is 7");
        await WaitForListingAsync(_b, call.CallSid, turns: 1);

        await _a.TerminateAsync();
        var readiness = await WaitForReadinessAsync(_a, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("draining", readiness, StringComparison.Ordinal);
        Assert.False(call.Caller.Closed); // readiness failed first; the call was still up

        var dropped = call.Caller;
        await dropped.WaitForCloseAsync().DefaultTimeout(ServerProcess.StartBound);
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, dropped.CloseStatus);
        Assert.False(dropped.EndReceived); // not ended: handed over
        target = _b;
        var verb = await call.FollowActionAsync().DefaultTimeout(TimeSpan.FromSeconds(30));

        Assert.Null(verb);
        Assert.Equal(Lines.ReconnectLine, call.Greeting);
        Assert.Equal(0, await _a.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var before = _model.Requests.Count;
        await call.Caller.AskAsync("What was my account number?");
        var request = await _model.Requests.WhenReceived(before).DefaultTimeout();
        Assert.Contains(request.Messages, m => m.Role == "user" && m.Text.Contains("My account number is 7", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sigterm_lets_a_call_that_ends_within_the_bound_finish_on_its_instance_and_exits_zero()
    {
        // A bound far longer than the call needs: the instance exits as soon as its last call ends, not at the bound.
        await using var patient = await ServerProcess.StartAsync(Environment(drainSeconds: 600)).DefaultTimeout(ServerProcess.StartBound);
        // The load balancer sends the draining instance nothing new (its readiness fails): the action callback Twilio
        // posts after the hang-up goes to another instance, as it would in production; the patient one may be gone.
        await using var call = await DialAsync(uri => uri.AbsolutePath == "/twiml/relay/action" ? _a : patient);
        await call.Caller.AskAsync("Just one question");

        await patient.TerminateAsync();
        await WaitForReadinessAsync(patient, HttpStatusCode.ServiceUnavailable);
        var reply = await call.Caller.AskAsync("And a last one while you drain");
        var verb = await call.HangUpAsync().DefaultTimeout();

        Assert.Contains("And a last one while you drain", reply, StringComparison.Ordinal);
        Assert.Equal("Hangup", verb);
        Assert.Equal(1, call.Sessions);
        Assert.Equal(0, await patient.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task The_admin_listing_refuses_without_the_token_and_masks_phone_numbers_with_it()
    {
        await using var call = await DialAsync(_ => _a);
        await call.Caller.AskAsync("Hello");

        using (var anonymous = await _http.GetAsync(new Uri(_b.Address, "/admin/calls")).DefaultTimeout())
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, new Uri(_b.Address, "/admin/calls")))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken + "x");
            using var refused = await _http.SendAsync(wrong).DefaultTimeout();
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        var listed = await WaitForListingAsync(_b, call.CallSid);
        Assert.Equal("+*******0177", listed.GetProperty("from").GetString());
        Assert.DoesNotContain("8005550177", listed.GetRawText(), StringComparison.Ordinal);
    }

    private Dictionary<string, string> Environment(int drainSeconds = 15) => new()
    {
        ["PUBLIC_BASE_URL"] = RelayServer.PublicBaseUrl,
        ["TWILIO_AUTH_TOKEN"] = RelayServer.AuthToken,
        ["TWILIO_ACCOUNT_SID"] = RelayServer.AccountSid,
        ["DATA_DIR"] = _dataDir,
        ["ANTHROPIC_API_KEY"] = "test-key",
        ["ANTHROPIC_BASE_URL"] = _model.BaseUrl.ToString().TrimEnd('/'),
        ["REDIS_URL"] = _redisUrl,
        ["ADMIN_TOKEN"] = AdminToken,
        ["DRAIN_TIMEOUT_SECONDS"] = drainSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private Task<ConversationRelayCall> DialAsync(Func<Uri, ServerProcess> balancer) => ConversationRelayCall.DialAsync(new ConversationRelayCallOptions
    {
        WebhookUrl = new Uri(RelayServer.PublicBaseUrl + "/twiml/relay"),
        AuthToken = RelayServer.AuthToken,
        AccountSid = RelayServer.AccountSid,
        From = "+18005550177",
        Route = uri => PublicRoute.To(uri, balancer(uri).Address),
    }, _http, CancellationToken.None).DefaultTimeout();

    private async Task<string> WaitForReadinessAsync(ServerProcess server, HttpStatusCode status)
    {
        for (var i = 0; i < 1200; i++) // 30 s and more: a hang guard
        {
            using var response = await _http.GetAsync(new Uri(server.Address, "/readyz")).DefaultTimeout();
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == status) return body;
            await Task.Delay(25);
        }
        throw new TimeoutException($"{server.Address}/readyz never answered {status}.");
    }

    /// <summary>The call's state as Redis holds it, once it satisfies <paramref name="condition"/> (written by the instance's background writer).</summary>
    private async Task<SessionSnapshot> WaitForStoredAsync(string callSid, Func<SessionSnapshot, bool> condition)
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisConnection.Parse(_redisUrl).Options!).DefaultTimeout();
        var store = new RedisSessionStore(redis, new SessionStoreOptions(), TimeProvider.System);
        for (var i = 0; i < 400; i++)
        {
            if (await store.LoadAsync(callSid, default).DefaultTimeout() is { } snapshot && condition(snapshot)) return snapshot;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Redis never held the expected state of {callSid}.");
    }

    /// <summary>The call's archived record, decrypted by the records store behind <c>GET /admin/calls/{sid}/transcript</c>, once it is filed.</summary>
    private async Task<JsonDocument> WaitForArchivedTranscriptAsync(ServerProcess server, string callSid)
    {
        for (var i = 0; i < 400; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, $"/admin/calls/{callSid}/transcript?reason=test"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
            using var response = await _http.SendAsync(request).DefaultTimeout();
            if (response.StatusCode == HttpStatusCode.OK) return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            await Task.Delay(50);
        }
        throw new TimeoutException($"No transcript of {callSid} was archived.");
    }

    /// <summary>The call as <c>GET /admin/calls</c> on <paramref name="server"/> lists it, once its state reached Redis.</summary>
    private async Task<JsonElement> WaitForListingAsync(ServerProcess server, string callSid, int turns = 1)
    {
        for (var i = 0; i < 300; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, "/admin/calls"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
            using var response = await _http.SendAsync(request).DefaultTimeout();
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            foreach (var call in body.RootElement.GetProperty("calls").EnumerateArray())
                if (call.GetProperty("callSid").GetString() == callSid && call.GetProperty("turnCount").GetInt32() >= turns) return call.Clone();
            await Task.Delay(100);
        }
        throw new TimeoutException($"{callSid} never appeared in {server.Address}/admin/calls with {turns} turns.");
    }
}
