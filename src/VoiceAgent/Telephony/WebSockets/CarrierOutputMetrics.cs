using System.Diagnostics.Metrics;
using VoiceAgent.Observability;

namespace VoiceAgent.Telephony.WebSockets;

/// <summary>
/// What the carrier sockets' writers hold and how often a carrier stopped reading: the output a call keeps queued for
/// its carrier (bounded by <see cref="CarrierLimits.OutputBudgetBytes"/>) and the calls ended by a send stall.
/// </summary>
internal sealed class CarrierOutputMetrics
{
    /// <summary>Bytes queued for one call's carrier right after a frame was queued, by transport.</summary>
    public const string QueuedBytes = "voiceagent.carrier.output_queued_bytes";
    /// <summary>Calls ended because their carrier stopped reading (send stall), by transport.</summary>
    public const string SendStalls = "voiceagent.carrier.send_stalls";

    private readonly Histogram<long> _queued;
    private readonly Counter<long> _stalls;

    public CarrierOutputMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(VoiceAgentMetrics.MeterName);
        _queued = meter.CreateHistogram<long>(QueuedBytes, "By", "Output queued for one call's carrier socket after each frame queued");
        _stalls = meter.CreateCounter<long>(SendStalls, "{call}", "Calls ended because the carrier stopped reading");
    }

    public void RecordQueued(string transport, long bytes)
    {
        if (_queued.Enabled) _queued.Record(bytes, new KeyValuePair<string, object?>("transport", transport));
    }

    public void RecordSendStall(string transport) => _stalls.Add(1, new KeyValuePair<string, object?>("transport", transport));
}
