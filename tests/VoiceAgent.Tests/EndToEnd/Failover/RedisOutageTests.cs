using System.Net;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Storage.Sessions;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Processes;

namespace VoiceAgent.Tests.EndToEnd.Failover;

/// <summary>Redis goes away mid-call and comes back: the call never notices, readiness does, and the state is written again.</summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private RelayServer _server = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(); // owned: this test stops and restarts it
        _server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["REDIS_URL"] = _redis.Url });
    }

    public async Task DisposeAsync()
    {
        // xUnit 2 runs this after a failed InitializeAsync too: only what was set up is disposed.
        if (_server is not null) await _server.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
    }

    [Fact]
    public async Task With_redis_down_the_call_goes_on_readiness_shows_degraded_and_state_is_written_again_when_it_returns()
    {
        await using var call = await _server.DialAsync();
        await call.Caller.AskAsync("First question");
        await WaitForStoredTurnsAsync(call.CallSid, 1);

        await _redis.StopAsync();
        var reply = await call.Caller.AskAsync("Second question while Redis is down");

        Assert.Contains("Second question while Redis is down", reply, StringComparison.Ordinal);
        var readiness = await WaitForReadinessAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("degraded", readiness, StringComparison.Ordinal);

        await _redis.StartAgainAsync(); // empty: no persistence, so anything found was written after it came back
        var state = await WaitForStoredTurnsAsync(call.CallSid, 2);
        Assert.Contains(state.Turns, t => t.Text == "Second question while Redis is down");
        await WaitForReadinessAsync(HttpStatusCode.OK);
    }

    private async Task<SessionSnapshot> WaitForStoredTurnsAsync(string callSid, int turns)
    {
        await using var redis = await _redis.ConnectAsync();
        var store = new RedisSessionStore(redis, new SessionStoreOptions(), TimeProvider.System);
        for (var i = 0; i < 600; i++)
        {
            if (await store.LoadAsync(callSid, default) is { } s && s.TurnCount >= turns) return s;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Redis never held {turns} turns of {callSid}.");
    }

    private async Task<string> WaitForReadinessAsync(HttpStatusCode status)
    {
        for (var i = 0; i < 600; i++)
        {
            using var response = await _server.Http.GetAsync(new Uri(_server.Address, "/readyz")).DefaultTimeout();
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == status) return body;
            await Task.Delay(100);
        }
        throw new TimeoutException($"/readyz never answered {status}.");
    }
}
