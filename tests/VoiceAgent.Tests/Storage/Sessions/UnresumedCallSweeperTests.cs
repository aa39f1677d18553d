using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Storage.Sessions;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Storage.Sessions;

/// <summary>
/// A call torn down while still resumable is not archived at teardown; if nobody resumes it within the grace, the
/// instance that left it files the transcript kept with its state, once (injected clock, in-process store).
/// </summary>
public sealed class UnresumedCallSweeperTests : IAsyncLifetime
{
    private const string Instance = "host-a:101";
    private readonly ManualTimeProvider _clock = new();
    private readonly RecordingSink _records = new();
    private InMemorySessionStore _store = null!;
    private SessionWriter _writer = null!;
    private UnresumedCallSweeper _sweeper = null!;

    public async Task InitializeAsync()
    {
        var options = new SessionStoreOptions();
        _store = new InMemorySessionStore(options, _clock);
        _writer = new SessionWriter(_store, _clock, new TestMeterFactory(), NullLogger<SessionWriter>.Instance);
        var sessions = new SessionPersistence(_store, _writer, new CallerKeys(new byte[32]), options, Instance, NullLogger<SessionPersistence>.Instance);
        _sweeper = new UnresumedCallSweeper(sessions, _records, _clock, NullLogger<UnresumedCallSweeper>.Instance);
        await _writer.StartAsync(CancellationToken.None);
        await _sweeper.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _sweeper.StopAsync(CancellationToken.None);
        await _writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_lost_call_nobody_resumed_within_the_grace_is_filed_with_its_whole_transcript_and_never_resumed()
    {
        var left = Left();
        await _store.SaveAsync(left, default).DefaultTimeout();

        _sweeper.Watch(left);
        _clock.Advance(UnresumedCallSweeper.Grace);

        var record = await _records.Next.DefaultTimeout();
        Assert.Equal(left.CallSid, record.CallSid);
        Assert.Equal(left.Transcript, record.Entries);
        Assert.Equal((2, "completed"), (record.TurnCount, record.Outcome));
        await _writer.FlushAsync(default).DefaultTimeout();
        Assert.Equal(SessionStatus.Ended, (await _store.LoadAsync(left.CallSid, default).DefaultTimeout())!.Status);
    }

    [Fact]
    public async Task A_lost_call_resumed_since_is_left_to_the_instance_that_ends_it()
    {
        var left = Left();
        await _store.SaveAsync(left with { Instance = "host-b:202", UpdatedAt = left.UpdatedAt.AddSeconds(5) }, default).DefaultTimeout();

        var filed = await _sweeper.SweepAsync(left, default).DefaultTimeout();

        Assert.False(filed);
        Assert.Equal(0, _records.Count);
        Assert.Equal(SessionStatus.Active, (await _store.LoadAsync(left.CallSid, default).DefaultTimeout())!.Status);
    }

    [Fact]
    public async Task A_lost_call_that_ended_since_is_not_filed_again()
    {
        var left = Left();
        await _store.SaveAsync(left with { Status = SessionStatus.Ended }, default).DefaultTimeout();

        Assert.False(await _sweeper.SweepAsync(left, default).DefaultTimeout());
        Assert.Equal(0, _records.Count);
    }

    private SessionSnapshot Left() => new()
    {
        CallSid = RelayServer.NewCallSid(),
        Transport = "conversation-relay",
        Status = SessionStatus.Active,
        Instance = Instance,
        TurnCount = 2,
        Transcript =
        [
            new TranscriptEntry(_clock.GetUtcNow(), TranscriptEntryKind.Caller, "first"),
            new TranscriptEntry(_clock.GetUtcNow(), TranscriptEntryKind.Agent, "answer"),
            new TranscriptEntry(_clock.GetUtcNow(), TranscriptEntryKind.Digit, "5"),
        ],
        StartedAt = _clock.GetUtcNow().AddMinutes(-3),
        UpdatedAt = _clock.GetUtcNow(),
    };

    private sealed class RecordingSink : ICallRecordSink
    {
        private readonly System.Threading.Channels.Channel<CallRecord> _records = System.Threading.Channels.Channel.CreateUnbounded<CallRecord>();

        public int Count => _records.Reader.Count;
        public Task<CallRecord> Next => _records.Reader.ReadAsync().AsTask();

        public ValueTask SubmitAsync(CallRecord record, CancellationToken cancellationToken) => _records.Writer.WriteAsync(record, cancellationToken);
    }
}
