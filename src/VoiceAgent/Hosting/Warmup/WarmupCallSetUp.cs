using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Observability;
using VoiceAgent.Observability.Live;
using VoiceAgent.Storage.Sessions;

namespace VoiceAgent.Hosting.Warmup;

/// <summary>
/// What a real call's set-up adds around the engine, as private throwaway instances for the start-up warm-up call,
/// so that code runs (and is compiled) before the first caller, and nothing of it can be seen:
/// <list type="bullet">
/// <item>loggers: the application's filters and console formatter, writing into nothing (<see cref="WarmupLoggerFactory"/>);</item>
/// <item>the session side: an in-process store with the Redis store's encoding (<see cref="WarmupSessionStore"/>), its own
/// background writer and a caller-key secret made up for the warm-up;</item>
/// <item>the dashboard's live view: a private <see cref="CallMonitor"/> with one reader of its event stream;</item>
/// <item>tracing: spans on a source of their own (<see cref="SourceName"/>), built for a listener that only counts them;</item>
/// <item>records: the finished call's record encoded and sealed as the spool does it, then dropped (<see cref="WarmupRecordSink"/>);</item>
/// <item>metrics: the warm-up's own meters (<see cref="WarmupMeterFactory"/>), enabled by a listener that only counts measurements.</item>
/// </list>
/// The call itself runs under an ambient activity that is not recorded, as a carrier's request runs under the web
/// server's request activity, so the model request's trace-context propagation runs too; a sampler that follows its
/// parent keeps none of it.
/// </summary>
internal sealed class WarmupCallSetUp : IAsyncDisposable
{
    public const string SourceName = "VoiceAgent.Warmup";

    private readonly WarmupLoggerFactory _loggers;
    private readonly WarmupMeterFactory _meters = new();
    private readonly MeterListener _meterListener = new();
    private readonly ActivityListener _spanListener;
    private readonly SessionWriter _writer;
    private readonly Subscription _live;
    private long _measurements;
    private int _spans;

    private WarmupCallSetUp(WarmupLoggerFactory loggers, SessionStoreOptions sessionOptions, TimeProvider clock, Storage.Encryption.TranscriptCipher? cipher)
    {
        Records = new WarmupRecordSink(cipher);
        _loggers = loggers;
        _meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, _meters)) listener.EnableMeasurementEvents(instrument);
        };
        _meterListener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _meterListener.SetMeasurementEventCallback<int>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _meterListener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _meterListener.Start();
        _spanListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ => Interlocked.Increment(ref _spans),
        };
        ActivitySource.AddActivityListener(_spanListener);
        Tracing = new VoiceAgentTracing(SourceName);
        Metrics = new VoiceAgentMetrics(_meters);
        OutputMetrics = new Telephony.WebSockets.CarrierOutputMetrics(_meters);
        Store = new WarmupSessionStore(new InMemorySessionStore(sessionOptions, clock), sessionOptions);
        _writer = new SessionWriter(Store, clock, _meters, Loggers.CreateLogger<SessionWriter>());
        Sessions = new SessionPersistence(Store, _writer, new CallerKeys(RandomNumberGenerator.GetBytes(32)), sessionOptions, "warm-up",
            Loggers.CreateLogger<SessionPersistence>());
        Monitor = new CallMonitor(clock);
        _live = Monitor.Subscribe();
    }

    /// <summary>Starts the private background parts (the session writer, the live view's pump).</summary>
    public static async Task<WarmupCallSetUp> StartAsync(WarmupLoggerFactory loggers, SessionStoreOptions sessionOptions, TimeProvider clock,
        Storage.Encryption.TranscriptCipher? cipher, CancellationToken cancellationToken)
    {
        var setUp = new WarmupCallSetUp(loggers, sessionOptions, clock, cipher);
        await setUp._writer.StartAsync(cancellationToken);
        await setUp.Monitor.StartAsync(cancellationToken);
        return setUp;
    }

    public ILoggerFactory Loggers => _loggers.Factory;
    public VoiceAgentMetrics Metrics { get; }
    public Telephony.WebSockets.CarrierOutputMetrics OutputMetrics { get; }
    public VoiceAgentTracing Tracing { get; }
    public WarmupSessionStore Store { get; }
    public SessionPersistence Sessions { get; }
    public CallMonitor Monitor { get; }
    public WarmupRecordSink Records { get; }

    /// <summary>The call's dependencies with every shared part replaced by this set-up's private one; no compliance controls.</summary>
    public CallSessionDependencies Isolate(CallSessionDependencies calls) => calls with
    {
        Metrics = Metrics,
        LoggerFactory = Loggers,
        Records = Records,
        Sessions = Sessions,
        Unresumed = null,
        Tracing = Tracing,
        Monitor = Monitor,
        Controls = null,
    };

    /// <summary>An ambient activity like the web server's request activity, not recorded; dispose it to stop it.</summary>
    public static Activity StartAmbientActivity()
    {
        var ambient = new Activity("VoiceAgent.Warmup.Call") { ActivityTraceFlags = ActivityTraceFlags.None };
        return ambient.Start();
    }

    /// <summary>
    /// Waits until the private parts have taken the call's end in (the session writer wrote its last snapshot, the live
    /// view's reader saw it end) and says how much of each ran.
    /// </summary>
    public async Task<WarmupCallReport> FinishAsync(string callSid, CancellationToken cancellationToken)
    {
        await _writer.FlushAsync(cancellationToken);
        var liveEvents = 0;
        while (await _live.Events.WaitToReadAsync(cancellationToken))
        {
            if (!_live.Events.TryRead(out var @event)) continue;
            liveEvents++;
            if (@event.Type == "call-ended" && @event.CallId == callSid) break;
        }
        return new WarmupCallReport(_loggers.Provider.Formatted, Store.Saved, liveEvents, Volatile.Read(ref _spans), Interlocked.Read(ref _measurements), Records.Records);
    }

    public async ValueTask DisposeAsync()
    {
        _live.Dispose();
        await Monitor.StopAsync(CancellationToken.None);
        await _writer.StopAsync(CancellationToken.None);
        Monitor.Dispose();
        _writer.Dispose();
        _spanListener.Dispose();
        Tracing.Dispose();
        _meterListener.Dispose();
        _meters.Dispose();
    }
}

/// <summary>How much of a real call's set-up the warm-up call ran: log lines formatted (and dropped), session snapshots encoded, live-view events read, spans built, measurements taken, records encoded (and dropped); log methods of the application's providers compiled.</summary>
internal sealed record WarmupCallReport(long LogLines, int SessionSnapshots, int LiveEvents, int Spans, long Measurements, int Records, int PreparedLogMethods = 0);
