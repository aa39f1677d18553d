using VoiceAgent.Observability.Cost;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using VoiceAgent.Conversation;

namespace VoiceAgent.Observability.Live;

/// <summary>
/// The live view of this instance's calls for the dashboard. Calls report into one bounded inbox with a
/// non-blocking write (when it is full the oldest event is dropped and counted); one pump owns the state (live
/// and recently ended calls, their latest turns, a window of finished turns for percentiles) and copies each
/// event to every subscriber's own bounded channel, again dropping the oldest when a browser reads too slowly.
/// So a slow or stuck browser costs at most its own 256 events; it never slows a call or another browser.
/// The snapshot is built when someone reads it (the dashboard), not after every event: at hundreds of calls a rebuild
/// per event batch cost more than the calls themselves. The pump and a reader share one lock that no call ever takes.
/// </summary>
internal sealed class CallMonitor : BackgroundService, ITurnHopObserver
{
    public const int SubscriberCapacity = 256;
    private const int InboxCapacity = 8192;
    private const int TurnsKept = 20;
    private const int EndedCallsKept = 50;
    private const int WindowSamplesKept = 5000;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan EndedCallsShownFor = TimeSpan.FromMinutes(10);

    private readonly TimeProvider _clock;
    private readonly Channel<Inbound> _inbox;
    private readonly ConcurrentDictionary<long, Channel<LiveCallEvent>> _subscribers = new();
    private long _nextSubscriber;
    private long _dropped;

    // Written by the pump, read by a snapshot build, both under _state (never taken on a call's path).
    private readonly Lock _state = new();
    private readonly Dictionary<string, CallState> _calls = new(StringComparer.Ordinal);
    private readonly Queue<string> _ended = new();
    private readonly Queue<(DateTimeOffset At, string Transport, TurnSummary Summary)> _window = new();
    private long _version;
    private (long Version, DashboardSnapshot Snapshot)? _built;

    public CallMonitor(TimeProvider clock)
    {
        _clock = clock;
        _inbox = Channel.CreateBounded<Inbound>(
            new BoundedChannelOptions(InboxCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>The state after every event the pump has applied so far, built on read (and reused while nothing changed).</summary>
    public DashboardSnapshot Snapshot
    {
        get
        {
            lock (_state)
            {
                if (_built is { } built && built.Version == _version) return built.Snapshot;
                var snapshot = BuildSnapshot();
                _built = (_version, snapshot);
                return snapshot;
            }
        }
    }

    public void CallStarted(string callId, string transport) => Post(new("call-started", callId, _clock.GetUtcNow(), Transport: transport, State: "listening"));

    /// <summary>The call is over; <paramref name="cost"/> is what it cost (null when it was not priced).</summary>
    public void CallEnded(string callId, CallCost? cost = null) => Post(new("call-ended", callId, _clock.GetUtcNow(), State: "ended", Cost: cost));

    public void TurnClosed(TurnTimeline timeline, TurnOutcome outcome, string transport) => Post(new("turn-closed", timeline.CallId, _clock.GetUtcNow(),
        Transport: transport, TurnId: timeline.TurnId, Outcome: VoiceAgentMetrics.OutcomeTag(outcome), Ms: Finite(timeline.Between(TurnHop.SocketReceived, TurnHop.FirstTokenSent)))
    {
        Summary = TurnSummary.From(timeline),
    });

    public void HopMarked(TurnTimeline timeline, TurnHop hop) =>
        _inbox.Writer.TryWrite(new Inbound(null, timeline.CallId, timeline.TurnId, hop, Finite(timeline.SinceOrigin(hop)) ?? 0, _clock.GetUtcNow()));

    /// <summary>A new reader of the event stream; dispose it to leave. Reads its events from <see cref="Subscription.Events"/>.</summary>
    public Subscription Subscribe()
    {
        var id = Interlocked.Increment(ref _nextSubscriber);
        var channel = Channel.CreateBounded<LiveCallEvent>(new BoundedChannelOptions(SubscriberCapacity)
        {
            SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.DropOldest,
        });
        _subscribers[id] = channel;
        return new Subscription(channel.Reader, () => { if (_subscribers.TryRemove(id, out var c)) c.Writer.TryComplete(); });
    }

    /// <summary>The number of open subscriptions (event streams).</summary>
    public int Subscribers => _subscribers.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _inbox.Reader.WaitToReadAsync(stoppingToken))
            {
                while (_inbox.Reader.TryRead(out var inbound))
                {
                    lock (_state)
                    {
                        if (inbound.Event is { } applied) Apply(applied);
                        else ApplyHop(CallOf(inbound.CallId, null, inbound.At), inbound.TurnId, HopName(inbound.Hop), inbound.Ms);
                        _version++;
                    }
                    if (_subscribers.IsEmpty) continue;
                    // A hop becomes the browsers' event only when someone reads the stream.
                    var @event = inbound.Event ?? new LiveCallEvent("hop", inbound.CallId, inbound.At, TurnId: inbound.TurnId, Hop: HopName(inbound.Hop), Ms: inbound.Ms);
                    foreach (var subscriber in _subscribers.Values) subscriber.Writer.TryWrite(@event);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var subscriber in _subscribers.Values) subscriber.Writer.TryComplete();
        }
    }

    private void Post(LiveCallEvent @event) => _inbox.Writer.TryWrite(new Inbound(@event, @event.CallId, 0, default, 0, @event.At));

    /// <summary>
    /// What the inbox holds: an event, or a hop by its fields (a struct in the channel's ring: the most frequent
    /// report, a few per turn, allocates nothing on the call's thread).
    /// </summary>
    private readonly record struct Inbound(LiveCallEvent? Event, string CallId, int TurnId, TurnHop Hop, double Ms, DateTimeOffset At);

    private CallState CallOf(string callId, string? transport, DateTimeOffset at)
    {
        if (!_calls.TryGetValue(callId, out var call))
        {
            call = new CallState(callId, transport ?? "unknown", at);
            _calls[callId] = call;
        }
        return call;
    }

    private static void ApplyHop(CallState call, int turnId, string hop, double ms)
    {
        var turn = call.Turn(turnId);
        turn.AddHop(hop, ms);
        if (turn.Outcome is not null) return; // the audio path's late hops (first frame out, heard) fill the waterfall only
        call.State = hop switch
        {
            "socket-received" or "speech-ended" or "transcript-final" or "model-request-sent" => "thinking",
            "first-token-sent" or "first-media-sent" => "speaking",
            "interrupted" => "interrupted",
            _ => call.State,
        };
    }

    private void Apply(LiveCallEvent e)
    {
        if (e.Type == "call-ended" && !_calls.ContainsKey(e.CallId)) return;
        var call = CallOf(e.CallId, e.Transport, e.At);
        switch (e.Type)
        {
            case "call-started":
                call.Transport = e.Transport ?? call.Transport;
                call.State = "listening";
                break;
            case "hop" when e.TurnId is { } turnId && e.Hop is { } hop:
                ApplyHop(call, turnId, hop, e.Ms ?? 0);
                break;
            case "turn-closed" when e.TurnId is { } turnId:
                call.Turn(turnId).Outcome = e.Outcome;
                call.TurnsClosed++;
                if (call.State != "ended") call.State = "listening";
                if (e.Summary is { } summary) AddToWindow(e.At, e.Transport ?? call.Transport, summary);
                break;
            case "call-ended":
                if (call.EndedAt is null) _ended.Enqueue(call.CallId);
                call.State = "ended";
                call.EndedAt = e.At;
                call.Cost = e.Cost ?? call.Cost;
                ForgetEndedBeyondKept();
                break;
        }
    }

    /// <summary>Keeps the <see cref="EndedCallsKept"/> most recently ended calls: the pump's memory stays bounded whether or not anyone reads a snapshot.</summary>
    private void ForgetEndedBeyondKept()
    {
        while (_ended.Count > EndedCallsKept && _ended.TryDequeue(out var oldest))
            if (_calls.TryGetValue(oldest, out var call) && call.EndedAt is not null) _calls.Remove(oldest);
    }

    private void AddToWindow(DateTimeOffset at, string transport, TurnSummary summary)
    {
        _window.Enqueue((at, transport, summary));
        while (_window.Count > WindowSamplesKept) _window.Dequeue();
    }

    /// <summary>A closed turn's figure for one budget row (by its key); null when the turn has none.</summary>
    private static double? ValueOf(string key, string transport, TurnSummary summary) => key switch
    {
        "receive_to_model_request" => summary.ReceiveToModelRequestMs,
        "model_first_token" => summary.ModelFirstDeltaMs,
        "first_delta_to_first_frame" => summary.FirstDeltaToFirstFrameMs,
        "first_to_last_frame" => summary.FirstToLastFrameMs,
        "relay_first_frame" when transport == LatencyBudget.ConversationRelay => summary.ReceiveToFirstFrameMs,
        _ => null,
    };

    private DashboardSnapshot BuildSnapshot()
    {
        var now = _clock.GetUtcNow();
        while (_window.TryPeek(out var oldest) && now - oldest.At > Window) _window.Dequeue();
        // Ended calls leave the view after a while, oldest first (the queue is in the order they ended).
        while (_ended.TryPeek(out var oldest))
        {
            var ended = _calls.TryGetValue(oldest, out var call) ? call.EndedAt : null;
            if (ended is { } at && now - at <= EndedCallsShownFor) break;
            _ended.Dequeue();
            if (ended is not null) _calls.Remove(oldest);
        }

        var calls = _calls.Values
            .OrderBy(c => c.EndedAt is null ? 0 : 1).ThenByDescending(c => c.StartedAt)
            .Select(c => new LiveCallView(c.CallId, c.Transport, c.State, c.StartedAt, c.EndedAt, c.TurnsClosed,
                c.Turns.Select(t => new LiveTurnView(t.TurnId, t.HopsView(), t.Outcome)).ToArray(), c.Cost))
            .ToArray();
        var latency = LatencyBudget.Rows.Where(r => r.Observable).Select(row =>
        {
            var samples = _window.Where(w => row.Transports.Contains(w.Transport, StringComparer.Ordinal))
                .Select(w => ValueOf(row.Key, w.Transport, w.Summary)).OfType<double>().Order().ToArray();
            var p50 = NearestRank(samples, 0.50);
            var p95 = NearestRank(samples, 0.95);
            return new LatencyRowView(row.Key, row.Name, samples.Length, p50, p95, row.Low, row.High, p95 is { } p && row.High is { } high && p > high);
        }).Where(r => r.Samples > 0 || r.BudgetHighMs is not null).ToArray();
        return new DashboardSnapshot(now, (int)Window.TotalMinutes, calls, latency, Interlocked.Read(ref _dropped));
    }

    /// <summary>Nearest-rank percentile, as the analyze command computes it.</summary>
    private static double? NearestRank(double[] sorted, double p) =>
        sorted.Length == 0 ? null : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)], 1);

    private static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 2) : null;

    /// <summary>The hop's name on the wire: <c>FirstTokenSent</c> → <c>first-token-sent</c>.</summary>
    internal static string HopName(TurnHop hop) => hop switch
    {
        TurnHop.SocketReceived => "socket-received",
        TurnHop.SpeechEnded => "speech-ended",
        TurnHop.TranscriptFinal => "transcript-final",
        TurnHop.ModelRequestSent => "model-request-sent",
        TurnHop.SecondModelRequestSent => "second-model-request-sent",
        TurnHop.FirstModelDelta => "first-model-delta",
        TurnHop.FirstTokenSent => "first-token-sent",
        TurnHop.FirstTtsAudio => "first-tts-audio",
        TurnHop.FirstMediaSent => "first-media-sent",
        TurnHop.FirstAudioHeard => "first-audio-heard",
        TurnHop.LastModelDelta => "last-model-delta",
        TurnHop.LastFrameSent => "last-frame-sent",
        TurnHop.PlaybackCompleted => "playback-completed",
        TurnHop.Interrupted => "interrupted",
        _ => hop.ToString(),
    };

    private sealed class CallState(string callId, string transport, DateTimeOffset startedAt)
    {
        public string CallId { get; } = callId;
        public string Transport { get; set; } = transport;
        public DateTimeOffset StartedAt { get; } = startedAt;
        public DateTimeOffset? EndedAt { get; set; }
        public CallCost? Cost { get; set; }
        public string State { get; set; } = "listening";
        public int TurnsClosed { get; set; }
        public List<TurnState> Turns { get; } = [];

        public TurnState Turn(int turnId)
        {
            // A loop, not FirstOrDefault: a capturing lambda per hop event is an allocation per hop.
            for (var i = Turns.Count - 1; i >= 0; i--)
                if (Turns[i].TurnId == turnId) return Turns[i];
            var turn = new TurnState(turnId);
            Turns.Add(turn);
            if (Turns.Count > TurnsKept) Turns.RemoveAt(0);
            return turn;
        }
    }

    private sealed class TurnState(int turnId)
    {
        public int TurnId { get; } = turnId;
        // In the order they were stamped; a hop is kept once (the first time). A handful per turn: a list beats a dictionary.
        private readonly List<(string Hop, double Ms)> _hops = new(8);

        public void AddHop(string hop, double ms)
        {
            foreach (var (known, _) in _hops) if (known == hop) return;
            _hops.Add((hop, ms));
        }

        public Dictionary<string, double> HopsView()
        {
            var view = new Dictionary<string, double>(_hops.Count, StringComparer.Ordinal);
            foreach (var (hop, ms) in _hops) view[hop] = ms;
            return view;
        }
        public string? Outcome { get; set; }
    }
}
