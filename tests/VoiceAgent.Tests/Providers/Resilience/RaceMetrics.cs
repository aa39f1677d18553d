using System.Diagnostics.Metrics;
using VoiceAgent.Observability;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Resilience;

/// <summary>The product's metrics on a private meter factory, with every <c>voiceagent.model.raced_requests</c> measurement recorded.</summary>
internal sealed class RaceMetrics : IDisposable
{
    private readonly TestMeterFactory _factory = new();
    private readonly MeterListener _listener = new();
    private readonly List<string> _races = [];

    public RaceMetrics()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == _factory && instrument.Name == VoiceAgentMetrics.RacedModelRequests) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var text = new Dictionary<string, string?>();
            foreach (var tag in tags) text[tag.Key] = tag.Value?.ToString();
            lock (_races) _races.Add($"{text["outcome"]}/{text["trigger"]}/{text["second_provider"]} x{value}");
        });
        _listener.Start();
        Metrics = new VoiceAgentMetrics(_factory);
    }

    public VoiceAgentMetrics Metrics { get; }

    /// <summary>Each race recorded, as <c>outcome/trigger/second_provider xN</c>.</summary>
    public IReadOnlyList<string> Races
    {
        get { lock (_races) return [.. _races]; }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _factory.Dispose();
    }
}
