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
    /// <summary>Turns by outcome.</summary>
    public const string Turns = "voiceagent.turns";
    /// <summary>Malformed or unexpected frames a transport skipped.</summary>
    public const string RejectedFrames = "voiceagent.transport.rejected_frames";
    /// <summary>Second model requests raced on a slow or failed first token, tagged <c>outcome</c>, <c>trigger</c>, <c>second_provider</c>.</summary>
    public const string RacedModelRequests = "voiceagent.model.raced_requests";

    private readonly Histogram<double> _serverAdded;
    private readonly Histogram<double> _ttft;
    private readonly Histogram<double> _receiveToFirst;
    private readonly Histogram<double> _speechEndToAudio;
    private readonly Histogram<double> _audioServerShare;
    private readonly Histogram<double> _playoutLateness;
    private readonly Counter<long> _turns;
    private readonly Counter<long> _rejectedFrames;
    private readonly Counter<long> _racedRequests;

    public VoiceAgentMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _serverAdded = meter.CreateHistogram<double>(ServerAddedLatency, "ms", "First model delta in to first carrier frame out");
        _ttft = meter.CreateHistogram<double>(ModelTimeToFirstDelta, "ms", "Model request to first delta");
        _receiveToFirst = meter.CreateHistogram<double>(ReceiveToFirstToken, "ms", "Socket receive to first token sent");
        _speechEndToAudio = meter.CreateHistogram<double>(SpeechEndToFirstAudio, "ms", "Caller speech end to first audio frame sent");
        _audioServerShare = meter.CreateHistogram<double>(AudioServerShare, "ms", "Server's own share of speech end to first audio");
        _playoutLateness = meter.CreateHistogram<double>(PlayoutLateness, "ms", "Outbound frame send time minus its real-time deadline");
        _turns = meter.CreateCounter<long>(Turns, "{turn}", "Turns by outcome");
        _rejectedFrames = meter.CreateCounter<long>(RejectedFrames, "{frame}", "Frames a transport skipped");
        _racedRequests = meter.CreateCounter<long>(RacedModelRequests, "{request}", "Second model requests raced on a slow or failed first token, by outcome");
    }

    internal void RecordTurn(TurnTimeline timeline, TurnOutcome outcome, string transport)
    {
        var tags = new TagList { { "transport", transport }, { "outcome", outcome.ToString() } };
        if (_turns.Enabled) _turns.Add(1, tags);
        Record(_serverAdded, timeline.Between(TurnHop.FirstModelDelta, TurnHop.FirstTokenSent), transport);
        Record(_ttft, timeline.Between(TurnHop.ModelRequestSent, TurnHop.FirstModelDelta), transport);
        Record(_receiveToFirst, timeline.Between(TurnHop.SocketReceived, TurnHop.FirstTokenSent), transport);
    }

    internal void RecordAudioTurn(double speechEndToFirstAudioMs, double serverShareMs, string transport)
    {
        Record(_speechEndToAudio, speechEndToFirstAudioMs, transport);
        Record(_audioServerShare, serverShareMs, transport);
    }

    internal bool PlayoutLatenessEnabled => _playoutLateness.Enabled;

    internal void RecordPlayoutLateness(double ms, string transport) => Record(_playoutLateness, ms, transport);

    internal void RecordRejectedFrame(string transport, string reason)
    {
        if (_rejectedFrames.Enabled) _rejectedFrames.Add(1, new TagList { { "transport", transport }, { "reason", reason } });
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

    private static void Record(Histogram<double> histogram, double ms, string transport)
    {
        if (histogram.Enabled && !double.IsNaN(ms)) histogram.Record(ms, new KeyValuePair<string, object?>("transport", transport));
    }
}
