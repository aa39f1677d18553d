using System.Diagnostics.Metrics;

namespace VoiceAgent.Hosting.Warmup;

/// <summary>
/// Meters for the start-up warm-up call under a name of their own (<see cref="MeterName"/>): the warm-up runs the
/// same instruments' code as a real call, but no exporter or listener of the product's meters ever counts it.
/// </summary>
internal sealed class WarmupMeterFactory : IMeterFactory
{
    public const string MeterName = "VoiceAgent.Warmup";
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(new MeterOptions(MeterName) { Version = options.Version, Tags = options.Tags, Scope = this });
        lock (_meters) _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
        {
            foreach (var meter in _meters) meter.Dispose();
            _meters.Clear();
        }
    }
}
