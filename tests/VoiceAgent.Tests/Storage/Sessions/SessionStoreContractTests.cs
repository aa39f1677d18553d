using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Storage.Sessions;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Storage.Sessions;

/// <summary>What every session store does, run against the in-process store and a real redis-server.</summary>
public abstract class SessionStoreContractTests : IAsyncLifetime
{
    protected static readonly SessionStoreOptions Options = new() { Ttl = TimeSpan.FromHours(1), MaxTurns = 3, CallbackResumeWindow = TimeSpan.FromMinutes(10) };

    protected ManualTimeProvider Clock { get; } = new();
    protected ISessionStore Store { get; set; } = null!;

    public abstract Task InitializeAsync();
    public abstract Task DisposeAsync();

    /// <summary>Makes the stored entry of <paramref name="callSid"/> behave as if <paramref name="elapsed"/> had passed since its last write.</summary>
    protected abstract Task ElapseAsync(string callSid, TimeSpan elapsed);

    [Fact]
    public async Task Saved_state_loads_back_with_its_history_and_metadata()
    {
        var snapshot = Snapshot(turns: 2) with { Locale = "en-GB", ConsentDecision = "granted", PendingHandoff = "{\"reasonCode\":\"x\"}" };
        await Store.SaveAsync(snapshot, default).DefaultTimeout();

        var loaded = await Store.LoadAsync(snapshot.CallSid, default).DefaultTimeout();

        Assert.NotNull(loaded);
        Assert.Equal(snapshot.Turns, loaded.Turns);
        Assert.Equal(("en-GB", "granted", 2, "conversation-relay"), (loaded.Locale, loaded.ConsentDecision, loaded.TurnCount, loaded.Transport));
        Assert.Equal(snapshot.PendingHandoff, loaded.PendingHandoff);
        Assert.Equal("acme", loaded.Parameters["tenant"]);
    }

    [Fact]
    public async Task The_whole_transcript_loads_back_in_order_uncapped()
    {
        var at = Clock.GetUtcNow();
        var transcript = Enumerable.Range(1, 12).SelectMany(i => new[]
        {
            new TranscriptEntry(at.AddSeconds(2 * i), TranscriptEntryKind.Caller, $"question {i}"),
            new TranscriptEntry(at.AddSeconds(2 * i + 1), TranscriptEntryKind.Agent, $"answ", Interrupted: true, FullText: $"answer {i}"),
        }).Append(new TranscriptEntry(at.AddSeconds(30), TranscriptEntryKind.Digit, "5")).ToArray();
        var snapshot = Snapshot(turns: 5) with { Transcript = transcript };
        await Store.SaveAsync(snapshot, default).DefaultTimeout();

        var loaded = await Store.LoadAsync(snapshot.CallSid, default).DefaultTimeout();

        Assert.Equal(transcript, loaded!.Transcript); // the turn cap (3) applies to the model's window, not to the transcript
    }

    [Fact]
    public async Task A_call_never_written_loads_as_nothing()
        => Assert.Null(await Store.LoadAsync(NewSid(), default).DefaultTimeout());

    [Fact]
    public async Task Only_the_latest_turns_up_to_the_cap_are_kept()
    {
        var snapshot = Snapshot(turns: 5);
        await Store.SaveAsync(snapshot, default).DefaultTimeout();

        var loaded = await Store.LoadAsync(snapshot.CallSid, default).DefaultTimeout();

        Assert.Equal(["question 3", "answer 3", "question 4", "answer 4", "question 5", "answer 5"], loaded!.Turns.Select(t => t.Text));
        Assert.Equal(5, loaded.TurnCount);
    }

    [Fact]
    public async Task Every_write_extends_the_time_to_live()
    {
        var snapshot = Snapshot(turns: 1);
        await Store.SaveAsync(snapshot, default).DefaultTimeout();
        await ElapseAsync(snapshot.CallSid, TimeSpan.FromMinutes(50));
        Assert.True(await Store.TimeToLiveAsync(snapshot.CallSid, default).DefaultTimeout() <= TimeSpan.FromMinutes(10));

        await Store.SaveAsync(snapshot with { TurnCount = 2 }, default).DefaultTimeout();

        Assert.True(await Store.TimeToLiveAsync(snapshot.CallSid, default).DefaultTimeout() > TimeSpan.FromMinutes(55));
    }

    [Fact]
    public async Task State_not_written_for_longer_than_the_ttl_is_gone()
    {
        var snapshot = Snapshot(turns: 1);
        await Store.SaveAsync(snapshot, default).DefaultTimeout();

        await ElapseAsync(snapshot.CallSid, TimeSpan.FromMinutes(61));

        Assert.Null(await Store.LoadAsync(snapshot.CallSid, default).DefaultTimeout());
        Assert.Null(await Store.TimeToLiveAsync(snapshot.CallSid, default).DefaultTimeout());
    }

    [Fact]
    public async Task Live_calls_are_listed_and_ended_ones_are_not()
    {
        var live = Snapshot(turns: 1);
        var ended = Snapshot(turns: 1) with { Status = SessionStatus.Ended };
        await Store.SaveAsync(live, default).DefaultTimeout();
        await Store.SaveAsync(ended, default).DefaultTimeout();

        var active = await Store.ListActiveAsync(default).DefaultTimeout();

        Assert.Contains(active, s => s.CallSid == live.CallSid);
        Assert.DoesNotContain(active, s => s.CallSid == ended.CallSid);
    }

    [Fact]
    public async Task A_call_that_ends_leaves_the_live_listing()
    {
        var snapshot = Snapshot(turns: 1);
        await Store.SaveAsync(snapshot, default).DefaultTimeout();
        await Store.SaveAsync(snapshot with { Status = SessionStatus.Ended }, default).DefaultTimeout();

        Assert.DoesNotContain(await Store.ListActiveAsync(default).DefaultTimeout(), s => s.CallSid == snapshot.CallSid);
        Assert.Equal(SessionStatus.Ended, (await Store.LoadAsync(snapshot.CallSid, default).DefaultTimeout())!.Status);
    }

    [Fact]
    public async Task The_callers_latest_call_is_found_by_caller_key_within_the_window()
    {
        var key = NewSid();
        var older = Snapshot(turns: 1, callerKey: key) with { UpdatedAt = Clock.GetUtcNow().AddMinutes(-5) };
        var newer = Snapshot(turns: 2, callerKey: key) with { UpdatedAt = Clock.GetUtcNow().AddMinutes(-1) };
        await Store.SaveAsync(older, default).DefaultTimeout();
        await Store.SaveAsync(newer, default).DefaultTimeout();

        Assert.Equal(newer.CallSid, (await Store.FindRecentByCallerAsync(key, TimeSpan.FromMinutes(10), default).DefaultTimeout())?.CallSid);
        Assert.Null(await Store.FindRecentByCallerAsync(key, TimeSpan.FromSeconds(30), default).DefaultTimeout());
        Assert.Null(await Store.FindRecentByCallerAsync(NewSid(), TimeSpan.FromMinutes(10), default).DefaultTimeout());
    }

    [Fact]
    public async Task Deleting_a_caller_removes_its_index_and_every_call_under_it()
    {
        var key = NewSid();
        var live = Snapshot(turns: 1, callerKey: key);
        var ended = Snapshot(turns: 1, callerKey: key) with { Status = SessionStatus.Ended };
        var someoneElse = Snapshot(turns: 1, callerKey: NewSid());
        foreach (var s in new[] { live, ended, someoneElse }) await Store.SaveAsync(s, default).DefaultTimeout();

        await Store.DeleteCallerAsync(key, default).DefaultTimeout();

        Assert.Null(await Store.LoadAsync(live.CallSid, default).DefaultTimeout());
        Assert.Null(await Store.LoadAsync(ended.CallSid, default).DefaultTimeout());
        Assert.Null(await Store.FindRecentByCallerAsync(key, TimeSpan.FromHours(1), default).DefaultTimeout());
        Assert.DoesNotContain(await Store.ListActiveAsync(default).DefaultTimeout(), s => s.CallSid == live.CallSid);
        Assert.NotNull(await Store.LoadAsync(someoneElse.CallSid, default).DefaultTimeout());
    }

    protected SessionSnapshot Snapshot(int turns, string? callerKey = null) => new()
    {
        CallSid = NewSid(),
        Transport = "conversation-relay",
        CallerKey = callerKey,
        From = "+14155550100",
        Parameters = new Dictionary<string, string> { ["tenant"] = "acme" },
        Turns = Enumerable.Range(1, turns).SelectMany(i => new[] { new SessionTurn(SessionTurn.UserRole, $"question {i}", false), new SessionTurn(SessionTurn.AssistantRole, $"answer {i}", i == 1) }).ToArray(),
        TurnCount = turns,
        StartedAt = Clock.GetUtcNow(),
        UpdatedAt = Clock.GetUtcNow(),
    };

    protected static string NewSid() => RelayServer.NewCallSid();
}

public sealed class InMemorySessionStoreTests : SessionStoreContractTests
{
    public override Task InitializeAsync()
    {
        Store = new InMemorySessionStore(Options, Clock);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync() => Task.CompletedTask;

    protected override Task ElapseAsync(string callSid, TimeSpan elapsed)
    {
        Clock.Advance(elapsed);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Expired_calls_nobody_reads_again_are_swept_on_a_later_write()
    {
        var store = (InMemorySessionStore)Store;
        for (var i = 0; i < 5; i++) await store.SaveAsync(Snapshot(turns: 1) with { Status = SessionStatus.Ended }, default);
        Clock.Advance(TimeSpan.FromMinutes(61));

        await store.SaveAsync(Snapshot(turns: 1), default);

        Assert.Equal(1, store.Count);
    }
}

public sealed class RedisSessionStoreTests : SessionStoreContractTests
{
    private StackExchange.Redis.IConnectionMultiplexer _redis = null!;
    private TestSupport.Processes.RedisServer? _owned;

    public override async Task InitializeAsync()
    {
        var (url, owned) = await TestSupport.Processes.RedisServer.SharedAsync();
        _owned = owned;
        _redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisConnection.Parse(url).Options!);
        Store = new RedisSessionStore(_redis, Options, Clock);
    }

    public override async Task DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync(); // xUnit 2 runs this after a failed InitializeAsync too
        if (_owned is not null) await _owned.DisposeAsync();
    }

    // Redis keeps real time: set the key's remaining TTL as if the time had passed (and move the test clock for scores).
    protected override async Task ElapseAsync(string callSid, TimeSpan elapsed)
    {
        Clock.Advance(elapsed);
        var remaining = Options.Ttl - elapsed;
        var key = "voiceagent:session:" + callSid;
        await _redis.GetDatabase().KeyExpireAsync(key, remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1));
        if (remaining <= TimeSpan.Zero) await Task.Delay(20); // Redis itself expires the key
    }
}
