using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using VoiceAgent.Observability;

namespace VoiceAgent.Cli.Bench;

/// <summary>Collects the server's own histogram measurements in-process.</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _values = new();
    private readonly ConcurrentDictionary<string, long> _counts = new();

    public MetricRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == VoiceAgentMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
            _values.GetOrAdd(instrument.Name, _ => new ConcurrentQueue<double>()).Enqueue(value));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags) _counts.AddOrUpdate(instrument.Name + "/" + tag.Value, value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    public IReadOnlyCollection<double> Values(string instrument) => _values.TryGetValue(instrument, out var q) ? q.ToArray() : [];

    /// <summary>The sum a counter reported with a tag of value <paramref name="tagValue"/> (any tag key).</summary>
    public long Count(string instrument, string tagValue) => _counts.TryGetValue(instrument + "/" + tagValue, out var sum) ? sum : 0;

    public void Clear() => _values.Clear();

    public void Dispose() => _listener.Dispose();
}
