using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using VoiceAgent.Emulators.Deepgram;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Deepgram;

/// <summary>
/// The emulator's idle close (1011 <c>NET-0001</c>, Deepgram's 10 s) is about the client's silence, not the emulator's
/// own stalls: on a loaded machine the process hosting it was not scheduled for seconds, its watchdog then ran late and
/// closed sockets whose frames were waiting unread (issue 6 item 1: the stalled-callers bench's reading callers lost
/// their speech-to-text that way). A clock the test moves stands in for the stall: time passes and no timer runs
/// (the process is not scheduled), then the late tick runs. Real sockets on 127.0.0.1.
/// </summary>
public sealed class DeepgramEmulatorIdleTests : IAsyncLifetime
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250); // the emulator's watchdog period at a 10 s idle limit
    private readonly StallingClock _clock = new();
    private readonly DeepgramEmulator _emulator;
    private readonly CancellationTokenSource _timeout = new(TaskTimeoutExtensions.DefaultTimeoutSpan);

    public DeepgramEmulatorIdleTests() => _emulator = new DeepgramEmulator(timeProvider: _clock) { IdleTimeout = TimeSpan.FromSeconds(10) };

    public Task InitializeAsync() => _emulator.StartAsync(cancellationToken: _timeout.Token);

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _timeout.Dispose();
    }

    [Fact]
    public async Task A_watchdog_tick_that_runs_late_because_the_emulator_was_not_scheduled_does_not_close_the_socket()
    {
        using var socket = await ConnectAsync();
        await _clock.WaitForPeriodicTimerAsync();

        _clock.Stall(TimeSpan.FromSeconds(15)); // the process gets no CPU for 15 s: no timer, no read runs
        _clock.RunTimers(); // the late tick

        await SendTextAsync(socket, """{"type":"CloseStream"}""");
        using var metadata = JsonDocument.Parse(await ReceiveTextAsync(socket)); // still served: the close is the one asked for
        Assert.Equal("Metadata", metadata.RootElement.GetProperty("type").GetString());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await ReceiveCloseAsync(socket));
    }

    [Fact]
    public async Task A_client_silent_for_the_idle_limit_on_an_emulator_running_on_time_is_closed_with_net_0001()
    {
        using var socket = await ConnectAsync();
        await _clock.WaitForPeriodicTimerAsync();

        for (var i = 0; i < 40; i++) // 10 s of on-time ticks, nothing sent
        {
            _clock.Stall(Tick);
            _clock.RunTimers();
        }

        var buffer = new byte[1024];
        var result = await socket.ReceiveAsync(buffer, _timeout.Token).DefaultTimeout();
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, result.CloseStatus);
        Assert.Equal("NET-0001", result.CloseStatusDescription);
    }

    [Fact]
    public async Task A_client_silent_until_just_before_the_idle_limit_is_not_closed()
    {
        using var socket = await ConnectAsync();
        await _clock.WaitForPeriodicTimerAsync();

        for (var i = 0; i < 39; i++) // 9.75 s of on-time ticks, nothing sent
        {
            _clock.Stall(Tick);
            _clock.RunTimers();
        }

        await SendTextAsync(socket, """{"type":"CloseStream"}""");
        using var metadata = JsonDocument.Parse(await ReceiveTextAsync(socket));
        Assert.Equal("Metadata", metadata.RootElement.GetProperty("type").GetString());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await ReceiveCloseAsync(socket));
    }

    private async Task<ClientWebSocket> ConnectAsync()
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Token " + DeepgramEmulator.DefaultApiKey);
        await socket.ConnectAsync(new Uri(_emulator.WebSocketBaseUrl, "/v1/listen?model=nova-3&encoding=mulaw&sample_rate=8000"), _timeout.Token).DefaultTimeout();
        return socket;
    }

    private Task SendTextAsync(ClientWebSocket socket, string json)
        => socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, _timeout.Token).DefaultTimeout();

    private async Task<string> ReceiveTextAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        var result = await socket.ReceiveAsync(buffer, _timeout.Token).DefaultTimeout();
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    private async Task<WebSocketCloseStatus?> ReceiveCloseAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        for (var i = 0; i < 100; i++)
        {
            var result = await socket.ReceiveAsync(buffer, _timeout.Token).DefaultTimeout();
            if (result.MessageType != WebSocketMessageType.Close) continue;
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, _timeout.Token).DefaultTimeout();
            return result.CloseStatus;
        }
        throw new InvalidOperationException("No close frame within 100 messages.");
    }

    /// <summary>
    /// A clock whose time moves only when the test says, and whose timers run only when the test runs them: time can
    /// pass with nothing scheduled (<see cref="Stall"/>), as for a process that gets no CPU.
    /// </summary>
    private sealed class StallingClock : TimeProvider
    {
        private readonly Lock _gate = new();
        private readonly List<Timer> _timers = [];
        private long _ticks = TimeSpan.FromDays(1).Ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(GetTimestamp());

        public void Stall(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

        /// <summary>Runs, once each, the timers due by now (a periodic one runs once however many periods passed, as a late timer does).</summary>
        public void RunTimers()
        {
            Timer[] due;
            lock (_gate) due = _timers.Where(t => t.DueAt <= GetTimestamp()).ToArray();
            foreach (var timer in due) timer.Run(GetTimestamp());
        }

        /// <summary>Waits (bounded, a hang guard) until a periodic timer exists: the emulator's session, and its watchdog, are set up.</summary>
        public async Task WaitForPeriodicTimerAsync()
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (true)
            {
                lock (_gate) if (_timers.Any(t => t.Period > 0 && t.DueAt != long.MaxValue)) return;
                if (DateTime.UtcNow > deadline) throw new TimeoutException("the emulator's session never started its watchdog");
                await Task.Delay(10);
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new Timer(this, callback, state);
            timer.Change(dueTime, period);
            lock (_gate) _timers.Add(timer);
            return timer;
        }

        private sealed class Timer(StallingClock clock, TimerCallback callback, object? state) : ITimer
        {
            public long DueAt { get; private set; } = long.MaxValue;
            public long Period { get; private set; }

            public void Run(long now)
            {
                lock (clock._gate)
                {
                    if (DueAt > now) return;
                    DueAt = Period > 0 ? now + Period : long.MaxValue;
                }
                callback(state);
            }

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                lock (clock._gate)
                {
                    DueAt = dueTime == Timeout.InfiniteTimeSpan ? long.MaxValue : clock.GetTimestamp() + dueTime.Ticks;
                    Period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
                }
                return true;
            }

            public void Dispose()
            {
                lock (clock._gate)
                {
                    DueAt = long.MaxValue;
                    clock._timers.Remove(this);
                }
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
