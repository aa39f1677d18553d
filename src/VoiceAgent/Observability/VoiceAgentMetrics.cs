using System.Diagnostics;
using System.Diagnostics.Metrics;
using VoiceAgent.Conversation;
using VoiceAgent.Providers.Resilience;

namespace VoiceAgent.Observability;

/// <summary>The product's instruments, created from the host's <see cref="IMeterFactory"/>.</summary>
public sealed class VoiceAgentMetrics
{
    public const string MeterName = "VoiceAgent";

    /// <summary>First model delta received → first token written to the carrier: the latency our own code adds.</summary>
    public const string ServerAddedLatency = "voiceagent.turn.server_added_latency";
    /// <summary>Model request sent → first delta: the provider's time to first token.</summary>
    public const string ModelTimeToFirstDelta = "voiceagent.turn.model_ttft";
    /// <summary>Frame received on the socket → first token written back.</summary>
    public const string ReceiveToFirstToken = "voiceagent.turn.receive_to_first_token";
    /// <summary>Audio path: caller speech end (VAD) → first media frame out.</summary>
    public const string SpeechEndToFirstAudio = "voiceagent.turn.speech_end_to_first_audio";
    /// <summary>Audio path: our own code's share of speech end → first audio (STT, model and TTS time taken out).</summary>
    public const string AudioServerShare = "voiceagent.turn.audio_server_share";
    /// <summary>Audio path: how late each outbound frame left against its real-time deadline.</summary>
    public const string PlayoutLateness = "voiceagent.playout.lateness";
    /// <summary>Audio path: frames in one call's playout queue right after a frame was queued (bounded by the lead plus a second).</summary>
    public const string PlayoutQueuedFrames = "voiceagent.playout.queued_frames";
    /// <summary>Turns by outcome.</summary>
    public const string Turns = "voiceagent.turns";
    /// <summary>Malformed or unexpected frames a transport skipped.</summary>
    public const string RejectedFrames = "voiceagent.transport.rejected_frames";
    /// <summary>Second model requests raced on a slow or failed first token, tagged <c>outcome</c>, <c>trigger</c>, <c>second_provider</c>.</summary>
    public const string RacedModelRequests = "voiceagent.model.raced_requests";
    /// <summary>Model requests started on a stable transcript before the end of the turn, by step (started, used, discarded) and transport.</summary>
    public const string SpeculativeRequests = "voiceagent.speculation.requests";
    public const string SpeculationStarted = "started";
    public const string SpeculationUsed = "used";
    public const string SpeculationDiscarded = "discarded";
    /// <summary>Audio path: caller speech end → the carrier echoed the reply's first mark (the caller heard it).</summary>
    public const string SpeechEndToHeard = "voiceagent.turn.speech_end_to_heard";
    /// <summary>Audio path: first media frame sent → first mark echoed: the carrier's and the network's share.</summary>
    public const string SentToHeard = "voiceagent.turn.sent_to_heard";
    /// <summary>Audio path: first media frame sent → the carrier echoed the reply's last mark (the caller heard all of it).</summary>
    public const string ReplyPlayback = "voiceagent.turn.reply_playback";
    /// <summary>Calls in progress on this instance (up-down counter), by transport.</summary>
    public const string ActiveCalls = "voiceagent.calls.active";
    /// <summary>Provider failures, tagged <c>provider</c> (model, stt, tts) and <c>kind</c>.</summary>
    public const string ProviderErrors = "voiceagent.provider.errors";
    /// <summary>Callers talking over the agent (barge-in), by transport.</summary>
    public const string BargeIns = "voiceagent.barge_ins";
    /// <summary>Calls handed to a person (live-agent hand-off), by transport.</summary>
    public const string Escalations = "voiceagent.escalations";
    /// <summary>Each call's cost, in the price table's currency (unit), by transport.</summary>
    public const string CallCost = "voiceagent.call.cost";

    private readonly Histogram<double> _serverAdded;
    private readonly Histogram<double> _ttft;
    private readonly Histogram<double> _receiveToFirst;
    private readonly Histogram<double> _speechEndToAudio;
    private readonly Histogram<double> _audioServerShare;
    private readonly Histogram<double> _playoutLateness;
    private readonly Histogram<long> _playoutQueued;
    private readonly Counter<long> _turns;
    private readonly Counter<long> _rejectedFrames;
    private readonly Counter<long> _racedRequests;
    private readonly Counter<long> _speculativeRequests;
    private readonly Histogram<double> _speechEndToHeard;
    private readonly Histogram<double> _sentToHeard;
    private readonly Histogram<double> _replyPlayback;
    private readonly UpDownCounter<long> _activeCalls;
    private readonly Counter<long> _providerErrors;
    private readonly Counter<long> _bargeIns;
    private readonly Counter<long> _escalations;
    private readonly Histogram<double> _callCost;

    public VoiceAgentMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _serverAdded = meter.CreateHistogram<double>(ServerAddedLatency, "ms", "First model delta in to first carrier frame out");
        _ttft = meter.CreateHistogram<double>(ModelTimeToFirstDelta, "ms", "Model request to first delta");
        _receiveToFirst = meter.CreateHistogram<double>(ReceiveToFirstToken, "ms", "Socket receive to first token sent");
        _speechEndToAudio = meter.CreateHistogram<double>(SpeechEndToFirstAudio, "ms", "Caller speech end to first audio frame sent");
        _audioServerShare = meter.CreateHistogram<double>(AudioServerShare, "ms", "Server's own share of speech end to first audio");
        _playoutLateness = meter.CreateHistogram<double>(PlayoutLateness, "ms", "Outbound frame send time minus its real-time deadline");
        _playoutQueued = meter.CreateHistogram<long>(PlayoutQueuedFrames, "{frame}", "Frames in one call's playout queue after each frame queued");
        _turns = meter.CreateCounter<long>(Turns, "{turn}", "Turns by outcome");
        _rejectedFrames = meter.CreateCounter<long>(RejectedFrames, "{frame}", "Frames a transport skipped");
        _racedRequests = meter.CreateCounter<long>(RacedModelRequests, "{request}", "Second model requests raced on a slow or failed first token, by outcome");
        _speculativeRequests = meter.CreateCounter<long>(SpeculativeRequests, "{request}", "Speculative model requests started, used and discarded");
        _speechEndToHeard = meter.CreateHistogram<double>(SpeechEndToHeard, "ms", "Caller speech end to the reply's first mark echoed (heard)");
        _sentToHeard = meter.CreateHistogram<double>(SentToHeard, "ms", "First media frame sent to the reply's first mark echoed");
        _replyPlayback = meter.CreateHistogram<double>(ReplyPlayback, "ms", "First media frame sent to the reply's last mark echoed (played in full)");
        _activeCalls = meter.CreateUpDownCounter<long>(ActiveCalls, "{call}", "Calls in progress");
        _providerErrors = meter.CreateCounter<long>(ProviderErrors, "{error}", "Provider failures by provider and kind");
        _bargeIns = meter.CreateCounter<long>(BargeIns, "{barge_in}", "Callers talking over the agent");
        _escalations = meter.CreateCounter<long>(Escalations, "{call}", "Calls handed to a person");
        _callCost = meter.CreateHistogram<double>(CallCost, "{currency}", "Cost of each call from its usage and the price table");
    }

    internal void RecordTurn(TurnTimeline timeline, TurnOutcome outcome, string transport)
    {
        if (_turns.Enabled) _turns.Add(1, new TagList { { "transport", transport }, { "outcome", OutcomeTag(outcome) } });
        if (outcome is TurnOutcome.ProviderFailed or TurnOutcome.FirstTokenTimeout or TurnOutcome.Stalled)
            RecordProviderError("model", outcome switch { TurnOutcome.ProviderFailed => "failed", TurnOutcome.FirstTokenTimeout => "first_token_timeout", _ => "stalled" }, transport);
        Record(_serverAdded, timeline.Between(TurnHop.FirstModelDelta, TurnHop.FirstTokenSent), transport);
        Record(_ttft, timeline.Between(TurnHop.ModelRequestSent, TurnHop.FirstModelDelta), transport);
        Record(_receiveToFirst, timeline.Between(TurnHop.SocketReceived, TurnHop.FirstTokenSent), transport);
    }

    internal void RecordAudioTurn(double speechEndToFirstAudioMs, double serverShareMs, string transport)
    {
        Record(_speechEndToAudio, speechEndToFirstAudioMs, transport);
        Record(_audioServerShare, serverShareMs, transport);
    }

    internal void RecordHeard(double speechEndToHeardMs, double sentToHeardMs, string transport)
    {
        Record(_speechEndToHeard, speechEndToHeardMs, transport);
        Record(_sentToHeard, sentToHeardMs, transport);
    }

    internal void RecordPlayback(double sentToPlayedMs, string transport) => Record(_replyPlayback, sentToPlayedMs, transport);

    internal void CallStarted(string transport) => _activeCalls.Add(1, new KeyValuePair<string, object?>("transport", transport));

    internal void CallEnded(string transport) => _activeCalls.Add(-1, new KeyValuePair<string, object?>("transport", transport));

    internal void RecordProviderError(string provider, string kind, string transport)
    {
        if (_providerErrors.Enabled) _providerErrors.Add(1, new TagList { { "provider", provider }, { "kind", kind }, { "transport", transport } });
    }

    internal void RecordBargeIn(string transport)
    {
        if (_bargeIns.Enabled) _bargeIns.Add(1, new KeyValuePair<string, object?>("transport", transport));
    }

    internal void RecordEscalation(string transport)
    {
        if (_escalations.Enabled) _escalations.Add(1, new KeyValuePair<string, object?>("transport", transport));
    }

    internal void RecordCallCost(double cost, string currency, string transport)
    {
        if (_callCost.Enabled) _callCost.Record(cost, new TagList { { "transport", transport }, { "currency", currency } });
    }

    internal bool PlayoutLatenessEnabled => _playoutLateness.Enabled;

    internal void RecordPlayoutLateness(double ms, string transport) => Record(_playoutLateness, ms, transport);

    internal void RecordPlayoutQueued(int frames, string transport)
    {
        if (_playoutQueued.Enabled) _playoutQueued.Record(frames, new KeyValuePair<string, object?>("transport", transport));
    }

    internal void RecordRejectedFrame(string transport, string reason)
    {
        if (_rejectedFrames.Enabled) _rejectedFrames.Add(1, new TagList { { "transport", transport }, { "reason", reason } });
    }

    internal void RecordSpeculation(string step, string transport)
    {
        if (_speculativeRequests.Enabled) _speculativeRequests.Add(1, new TagList { { "step", step }, { "transport", transport } });
    }

    internal void RecordModelRace(ModelRaceOutcome outcome, ModelRaceTrigger trigger, string secondProvider)
    {
        if (!_racedRequests.Enabled) return;
        _racedRequests.Add(1, new TagList
        {
            { "outcome", outcome switch { ModelRaceOutcome.FirstWon => "first_won", ModelRaceOutcome.SecondWon => "second_won", ModelRaceOutcome.BothFailed => "both_failed", _ => "cancelled" } },
            { "trigger", trigger == ModelRaceTrigger.FirstTokenTimeout ? "first_token_timeout" : "first_request_failed" },
            { "second_provider", secondProvider },
        });
    }

    /// <summary>The <c>outcome</c> tag: the enum's name, without formatting it on every turn.</summary>
    internal static string OutcomeTag(TurnOutcome outcome) => outcome switch
    {
        TurnOutcome.Completed => nameof(TurnOutcome.Completed),
        TurnOutcome.Interrupted => nameof(TurnOutcome.Interrupted),
        TurnOutcome.FirstTokenTimeout => nameof(TurnOutcome.FirstTokenTimeout),
        TurnOutcome.Stalled => nameof(TurnOutcome.Stalled),
        TurnOutcome.ProviderFailed => nameof(TurnOutcome.ProviderFailed),
        TurnOutcome.CallEnded => nameof(TurnOutcome.CallEnded),
        _ => outcome.ToString(),
    };

    private static void Record(Histogram<double> histogram, double ms, string transport)
    {
        if (histogram.Enabled && !double.IsNaN(ms)) histogram.Record(ms, new KeyValuePair<string, object?>("transport", transport));
    }
}
