using System.Diagnostics;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Observability.Cost;

namespace VoiceAgent.Observability;

/// <summary>
/// One call's telemetry: it keeps the call's turn timelines (the engine's, and on the audio path the pipeline's
/// audio hops of the same reply), counts the call's usage, and when the call ends turns them into one span per call,
/// a child per turn and children per hop, and prices the usage. Nothing here runs between a reply's first delta and
/// the caller: timelines are only kept, and spans are built once the call is over, with the recorded timestamps.
/// Spans carry call and turn ids, never phone numbers or secrets.
/// </summary>
internal sealed partial class CallTelemetry : IReplyPlaybackObserver
{
    private readonly Lock _gate = new();
    private readonly ActivitySource? _source;
    private readonly VoiceAgentMetrics _metrics;
    private readonly PriceTable _prices;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly string _transport;
    private readonly List<(TurnTimeline Timeline, TurnOutcome Outcome)> _turns = [];
    private readonly Dictionary<int, TurnTimeline> _audio = [];
    private readonly Dictionary<int, TurnTimeline> _engine = [];
    private readonly long _anchorTimestamp;
    private readonly DateTimeOffset _anchorUtc;
    private long _startedAt;
    private string _callId = "pending";
    private int _bargeIns;
    private bool _finished;

    public CallTelemetry(VoiceAgentTracing? tracing, VoiceAgentMetrics metrics, PriceTable prices, TimeProvider clock, ILogger logger, string transport)
    {
        _source = tracing?.Source;
        _metrics = metrics;
        _prices = prices;
        _clock = clock;
        _logger = logger;
        _transport = transport;
        _anchorTimestamp = clock.GetTimestamp();
        _anchorUtc = clock.GetUtcNow();
    }

    /// <summary>What this call used so far.</summary>
    public CallUsage Usage { get; } = new();

    /// <summary>The carrier started the call (counted as active until <see cref="Finish"/>).</summary>
    public void Started(string callId)
    {
        lock (_gate)
        {
            if (_startedAt != 0) return;
            _callId = callId;
            _startedAt = _clock.GetTimestamp();
        }
        _metrics.CallStarted(_transport);
    }

    /// <summary>
    /// The engine opened a turn. On the audio path the pipeline stamps its hops on its own timeline (it learns the reply id
    /// only when the first token arrives); once it reports them they are copied, with their timestamps, onto this one, whose
    /// observer (the dashboard's monitor) then sees them under the engine's turn id and origin.
    /// </summary>
    public void TurnStarted(TurnTimeline timeline)
    {
        lock (_gate) _engine[timeline.TurnId] = timeline;
    }

    /// <summary>The engine closed a turn (the model finished or the reply was cut).</summary>
    public void TurnClosed(TurnTimeline timeline, TurnOutcome outcome)
    {
        lock (_gate) _turns.Add((timeline, outcome));
    }

    public void BargeIn()
    {
        lock (_gate) _bargeIns++;
        _metrics.RecordBargeIn(_transport);
    }

    /// <summary>Speech recognition or synthesis failed for good on this call.</summary>
    public void SpeechFailed(string reason)
        => _metrics.RecordProviderError(reason.StartsWith("speech synthesis", StringComparison.Ordinal) ? "tts" : "stt", "failed", _transport);

    void IReplyPlaybackObserver.FirstAudioSent(int replyId, TurnTimeline hops)
    {
        TurnTimeline? engine;
        lock (_gate)
        {
            _audio.TryAdd(replyId, hops);
            _engine.TryGetValue(replyId, out engine);
        }
        if (engine is null) return;
        CopyHop(hops, engine, TurnHop.FirstTtsAudio);
        CopyHop(hops, engine, TurnHop.FirstMediaSent);
    }

    private static void CopyHop(TurnTimeline from, TurnTimeline to, TurnHop hop)
    {
        if (from[hop] != 0) to.Mark(hop, from[hop]);
    }

    void IReplyPlaybackObserver.FirstAudioHeard(TurnTimeline hops)
    {
        var replyId = CopyToEngine(hops, TurnHop.FirstAudioHeard);
        var toSent = hops.Between(TurnHop.SpeechEnded, TurnHop.FirstMediaSent);
        var toHeard = hops.Between(TurnHop.SpeechEnded, TurnHop.FirstAudioHeard);
        var sentToHeard = hops.Between(TurnHop.FirstMediaSent, TurnHop.FirstAudioHeard);
        _metrics.RecordHeard(toHeard, sentToHeard, _transport);
        LogHeard(_logger, hops.CallId == "pending" ? _callId : hops.CallId, replyId, _transport, LogValues.Ms(toSent), LogValues.Ms(toHeard), LogValues.Ms(sentToHeard));
    }

    void IReplyPlaybackObserver.PlaybackCompleted(TurnTimeline hops)
    {
        // The whole reply was heard: the hop joins the engine's turn (and so the dashboard's waterfall and the turn's span).
        CopyToEngine(hops, TurnHop.PlaybackCompleted);
        _metrics.RecordPlayback(hops.Between(TurnHop.FirstMediaSent, TurnHop.PlaybackCompleted), _transport);
    }

    /// <summary>Copies <paramref name="hop"/> of the reply whose audio hops are <paramref name="hops"/> onto its engine turn; returns the reply id (-1 when unknown).</summary>
    private int CopyToEngine(TurnTimeline hops, TurnHop hop)
    {
        var replyId = -1;
        lock (_gate)
        {
            foreach (var (id, audio) in _audio)
            {
                if (!ReferenceEquals(audio, hops)) continue;
                replyId = id;
                break;
            }
            if (_engine.TryGetValue(replyId, out var engine)) CopyHop(hops, engine, hop);
        }
        return replyId;
    }

    /// <summary>
    /// The call is over: prices its usage, logs the per-call summary, records the cost metric, emits the call's spans
    /// and stops counting it as active. Returns the cost, or null when the call never started (nothing to bill).
    /// Only the first call does anything.
    /// </summary>
    public CallCost? Finish(string? endedReason, bool escalated, int turnCount)
    {
        long startedAt;
        List<(TurnTimeline Timeline, TurnOutcome Outcome)> turns;
        Dictionary<int, TurnTimeline> audio;
        int bargeIns;
        lock (_gate)
        {
            if (_finished || _startedAt == 0)
            {
                _finished = true;
                return null;
            }
            _finished = true;
            startedAt = _startedAt;
            turns = [.. _turns];
            audio = new Dictionary<int, TurnTimeline>(_audio);
            bargeIns = _bargeIns;
        }
        var endedAt = _clock.GetTimestamp();
        var duration = _clock.GetElapsedTime(startedAt, endedAt);
        var cost = CallCost.Compute(_prices, _transport, duration, Usage);
        _metrics.CallEnded(_transport);
        if (escalated) _metrics.RecordEscalation(_transport);
        _metrics.RecordCallCost((double)cost.Total, cost.Currency, _transport);
        LogCallCost(_logger, _callId, _transport, Math.Round(duration.TotalSeconds, 3), turnCount, cost.Total, cost.Currency, cost.Carrier, cost.CarrierMinutes,
            cost.SpeechToText, cost.SttSeconds, cost.Model, cost.InputTokens, cost.CachedInputTokens, cost.OutputTokens, cost.TextToSpeech, cost.TtsCharacters, cost.PricesAsOf);
        if (_source is { } source && source.HasListeners())
            EmitSpans(source, startedAt, endedAt, turns, audio, cost, endedReason, escalated, turnCount, bargeIns);
        return cost;
    }

    private void EmitSpans(ActivitySource source, long startedAt, long endedAt, List<(TurnTimeline Timeline, TurnOutcome Outcome)> turns,
        Dictionary<int, TurnTimeline> audio, CallCost cost, string? endedReason, bool escalated, int turnCount, int bargeIns)
    {
        var previous = Activity.Current;
        try
        {
            using var call = source.StartActivity("voiceagent.call", ActivityKind.Internal, previous?.Context ?? default, startTime: At(startedAt));
            if (call is null) return;
            call.SetTag("voiceagent.call.id", _callId);
            call.SetTag("voiceagent.transport", _transport);
            call.SetTag("voiceagent.call.turns", turnCount);
            call.SetTag("voiceagent.call.barge_ins", bargeIns);
            call.SetTag("voiceagent.call.escalated", escalated);
            if (endedReason is not null) call.SetTag("voiceagent.call.ended_reason", LogValues.MaskPhoneNumbers(endedReason));
            SetCostTags(call, cost);

            var byId = new SortedDictionary<int, (TurnTimeline? Engine, TurnOutcome? Outcome, TurnTimeline? Audio)>();
            foreach (var (timeline, outcome) in turns) byId[timeline.TurnId] = (timeline, outcome, null);
            foreach (var (id, hops) in audio)
                byId[id] = byId.TryGetValue(id, out var engine) ? engine with { Audio = hops } : (null, null, hops);
            foreach (var (id, turn) in byId) EmitTurn(source, call, id, turn.Engine, turn.Outcome, turn.Audio);
            call.SetEndTime(End(call, endedAt));
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    private void EmitTurn(ActivitySource source, Activity call, int turnId, TurnTimeline? engine, TurnOutcome? outcome, TurnTimeline? audio)
    {
        // One list of hops: the engine's stamp where it has one, else the audio path's (same clock).
        var hops = new List<(TurnHop Hop, long At)>();
        foreach (var hop in Enum.GetValues<TurnHop>())
        {
            var at = engine is not null && engine[hop] != 0 ? engine[hop] : audio?[hop] ?? 0;
            if (at != 0) hops.Add((hop, at));
        }
        if (hops.Count == 0) return;
        hops.Sort((a, b) => a.At.CompareTo(b.At));
        var origin = hops[0].At;
        using var turn = source.StartActivity("voiceagent.turn", ActivityKind.Internal, call.Context, startTime: At(origin));
        if (turn is null) return;
        turn.SetTag("voiceagent.call.id", _callId);
        turn.SetTag("voiceagent.turn.id", turnId);
        turn.SetTag("voiceagent.transport", _transport);
        turn.SetTag("voiceagent.turn.outcome", outcome?.ToString() ?? "Scripted");
        SetMs(turn, "voiceagent.turn.receive_to_first_frame_ms", engine?.Between(TurnHop.SocketReceived, TurnHop.FirstTokenSent));
        SetMs(turn, "voiceagent.turn.model_ttft_ms", engine?.Between(TurnHop.ModelRequestSent, TurnHop.FirstModelDelta));
        SetMs(turn, "voiceagent.turn.speech_end_to_sent_ms", audio?.Between(TurnHop.SpeechEnded, TurnHop.FirstMediaSent));
        SetMs(turn, "voiceagent.turn.speech_end_to_heard_ms", audio?.Between(TurnHop.SpeechEnded, TurnHop.FirstAudioHeard));
        SetMs(turn, "voiceagent.turn.playback_ms", audio?.Between(TurnHop.FirstMediaSent, TurnHop.PlaybackCompleted));
        var from = origin;
        foreach (var (hop, at) in hops)
        {
            // Each hop's span runs from the hop before it: the waterfall shows where the turn's time went.
            if (at == origin && hop == hops[0].Hop) continue;
            using var span = source.StartActivity(HopSpanName(hop), ActivityKind.Internal, turn.Context, startTime: At(from));
            if (span is not null)
            {
                span.SetTag("voiceagent.call.id", _callId);
                span.SetTag("voiceagent.turn.id", turnId);
                span.SetTag("voiceagent.hop", hop.ToString());
                span.SetTag("voiceagent.hop.offset_ms", Math.Round(_clock.GetElapsedTime(origin, at).TotalMilliseconds, 3));
                span.SetEndTime(End(span, at));
            }
            from = at;
        }
        turn.SetEndTime(End(turn, hops[^1].At));
    }

    /// <summary>The span name of a hop: where the time up to that hop went.</summary>
    internal static string HopSpanName(TurnHop hop) => hop switch
    {
        TurnHop.SocketReceived => "voiceagent.hop.socket_received",
        TurnHop.SpeechEnded => "voiceagent.hop.speech_ended",
        TurnHop.TranscriptFinal => "voiceagent.hop.stt_final",
        TurnHop.ModelRequestSent => "voiceagent.hop.model_request",
        TurnHop.SecondModelRequestSent => "voiceagent.hop.model_second_request",
        TurnHop.FirstModelDelta => "voiceagent.hop.model_first_delta",
        TurnHop.FirstTokenSent => "voiceagent.hop.first_frame",
        TurnHop.FirstTtsAudio => "voiceagent.hop.tts_first_audio",
        TurnHop.FirstMediaSent => "voiceagent.hop.first_media_frame",
        TurnHop.FirstAudioHeard => "voiceagent.hop.playback_first_mark",
        TurnHop.LastModelDelta => "voiceagent.hop.model_last_delta",
        TurnHop.LastFrameSent => "voiceagent.hop.last_frame",
        TurnHop.PlaybackCompleted => "voiceagent.hop.playback_last_mark",
        TurnHop.Interrupted => "voiceagent.hop.interrupted",
        _ => "voiceagent.hop." + hop.ToString().ToLowerInvariant(),
    };

    private static void SetCostTags(Activity call, CallCost cost)
    {
        call.SetTag("voiceagent.cost.currency", cost.Currency);
        call.SetTag("voiceagent.cost.prices_as_of", cost.PricesAsOf);
        call.SetTag("voiceagent.cost.total", (double)cost.Total);
        call.SetTag("voiceagent.cost.carrier", (double)cost.Carrier);
        call.SetTag("voiceagent.cost.stt", (double)cost.SpeechToText);
        call.SetTag("voiceagent.cost.model", (double)cost.Model);
        call.SetTag("voiceagent.cost.tts", (double)cost.TextToSpeech);
        call.SetTag("voiceagent.usage.carrier_minutes", (double)cost.CarrierMinutes);
        call.SetTag("voiceagent.usage.stt_seconds", cost.SttSeconds);
        call.SetTag("voiceagent.usage.input_tokens", cost.InputTokens);
        call.SetTag("voiceagent.usage.cached_input_tokens", cost.CachedInputTokens);
        call.SetTag("voiceagent.usage.output_tokens", cost.OutputTokens);
        call.SetTag("voiceagent.usage.tts_characters", cost.TtsCharacters);
        if (cost.UnpricedModels.Count > 0) call.SetTag("voiceagent.cost.unpriced_models", string.Join(",", cost.UnpricedModels));
    }

    private static void SetMs(Activity activity, string name, double? ms)
    {
        if (ms is { } value && !double.IsNaN(value)) activity.SetTag(name, Math.Round(value, 3));
    }

    private DateTimeOffset At(long timestamp) => _anchorUtc + _clock.GetElapsedTime(_anchorTimestamp, timestamp);

    // Stop() replaces a zero duration with "now": a hop stamped at the same instant as the one before gets one tick.
    private DateTime End(Activity activity, long timestamp)
    {
        var end = At(timestamp).UtcDateTime;
        return end > activity.StartTimeUtc ? end : activity.StartTimeUtc.AddTicks(1);
    }

    [LoggerMessage(EventId = EventIds.TurnHeard, Level = LogLevel.Information, Message = "Call {CallId} turn {TurnId} on {Transport}: caller heard the reply start (first mark echoed): speech end → sent {SpeechEndToSentMs:F1} ms, speech end → heard {SpeechEndToHeardMs:F1} ms (sent → heard {SentToHeardMs:F1} ms)")]
    private static partial void LogHeard(ILogger logger, string callId, int turnId, string transport, double? speechEndToSentMs, double? speechEndToHeardMs, double? sentToHeardMs);

    [LoggerMessage(EventId = EventIds.CallCost, Level = LogLevel.Information, Message = "Call {CallId} on {Transport}: {DurationSeconds:F1} s, {Turns} turns, cost {TotalCost} {Currency} (carrier {CarrierCost} for {CarrierMinutes} min; STT {SttCost} for {SttSeconds:F1} s; model {ModelCost} for {InputTokens} input tokens ({CachedInputTokens} cached) and {OutputTokens} output; TTS {TtsCost} for {TtsCharacters} chars; prices as of {PricesAsOf})")]
    private static partial void LogCallCost(ILogger logger, string callId, string transport, double durationSeconds, int turns, decimal totalCost, string currency,
        decimal carrierCost, decimal carrierMinutes, decimal sttCost, double sttSeconds, decimal modelCost, long inputTokens, long cachedInputTokens, long outputTokens,
        decimal ttsCost, long ttsCharacters, string pricesAsOf);
}
