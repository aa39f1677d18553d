using System.Net.Http.Headers;
using System.Text.Json;
using VoiceAgent.Conversation;
using VoiceAgent.Conversation.Compliance;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Storage.Records;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Processes;

namespace VoiceAgent.Tests.EndToEnd.Compliance;

/// <summary>
/// <c>CONSENT_REQUIRED=true</c> across a failover: two real server processes sharing Redis and a data folder; the
/// instance carrying the call is killed (<c>kill -9</c>) after the caller answered the consent question, and the
/// instance that resumes the call restores the caller's decision from the call's state instead of asking again.
/// </summary>
public sealed class ConsentFailoverTests : IAsyncLifetime
{
    private const string AdminToken = "admin-token-for-tests-0123456789";
    private static readonly AgentOptions Lines = new();
    private static readonly ConsentTexts English = ConsentTexts.BuiltIn["en-US"];
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
        _dataDir = Directory.CreateTempSubdirectory("voiceagent-consent-failover-").FullName;
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
    public async Task A_call_resumed_after_its_instance_is_killed_keeps_the_callers_consent_decision_without_asking_again()
    {
        var target = _a;
        await using var call = await ConversationRelayCall.DialAsync(new ConversationRelayCallOptions
        {
            WebhookUrl = new Uri(RelayServer.PublicBaseUrl + "/twiml/relay"),
            AuthToken = RelayServer.AuthToken,
            AccountSid = RelayServer.AccountSid,
            From = "+18005550188",
            Route = uri => PublicRoute.To(uri, target.Address),
        }, _http, CancellationToken.None).DefaultTimeout();
        Assert.Equal(English.Notice, (await call.Caller.ReadReplyAsync(0).DefaultTimeout()).Text);
        await call.Caller.SendDtmfAsync("1").DefaultTimeout();
        await call.Caller.ReadReplyAsync(0).DefaultTimeout(); // the greeting held back while consent was open
        await call.Caller.AskAsync("What are your opening hours?");
        await WaitForListingAsync(_b, call.CallSid, turns: 1);
        // The decision filed for later calls is removed, so only the call's own state can carry it to the other instance.
        await DeleteFiledConsentAsync();

        await _a.KillAsync();
        target = _b;
        var verb = await call.FollowActionAsync().DefaultTimeout(TimeSpan.FromSeconds(30));

        Assert.Null(verb);
        Assert.Equal(Lines.ReconnectLine, call.Greeting);
        var reply = await call.Caller.AskAsync("Are you open on Sundays?");
        Assert.Contains("Are you open on Sundays?", reply, StringComparison.Ordinal); // the model answered: no notice, no consent question
        Assert.DoesNotContain(English.Notice, reply, StringComparison.Ordinal);
        Assert.Equal(0, await CountFiledConsentAsync()); // not asked, so nothing filed again
    }

    private async Task DeleteFiledConsentAsync()
    {
        await using var store = new SqlRecordsStore(RecordsDialect.Create(null, _dataDir));
        for (var i = 0; i < 600 && await CountFiledConsentAsync() == 0; i++) await Task.Delay(50);
        Assert.Equal(1, await CountFiledConsentAsync());
        await using var connection = await store.Dialect.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM consent_decisions";
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountFiledConsentAsync()
    {
        await using var store = new SqlRecordsStore(RecordsDialect.Create(null, _dataDir));
        await using var connection = await store.Dialect.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM consent_decisions";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["PUBLIC_BASE_URL"] = RelayServer.PublicBaseUrl,
        ["TWILIO_AUTH_TOKEN"] = RelayServer.AuthToken,
        ["TWILIO_ACCOUNT_SID"] = RelayServer.AccountSid,
        ["DATA_DIR"] = _dataDir,
        ["ANTHROPIC_API_KEY"] = "test-key",
        ["ANTHROPIC_BASE_URL"] = _model.BaseUrl.ToString().TrimEnd('/'),
        ["REDIS_URL"] = _redisUrl,
        ["ADMIN_TOKEN"] = AdminToken,
        ["CONSENT_REQUIRED"] = "true",
        ["SILENCE_TIMEOUT_MS"] = "0",
    };

    private async Task<JsonElement> WaitForListingAsync(ServerProcess server, string callSid, int turns)
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
