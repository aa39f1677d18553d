using System.Diagnostics;

namespace VoiceAgent.Observability;

/// <summary>
/// The product's <see cref="ActivitySource"/> (one per host). Spans are built from the per-turn timelines after the
/// fact (see <see cref="CallTelemetry"/>), so no span work happens while a reply is on its way to the caller.
/// </summary>
public sealed class VoiceAgentTracing : IDisposable
{
    public const string SourceName = "VoiceAgent";

    internal ActivitySource Source { get; } = new(SourceName);

    public void Dispose() => Source.Dispose();
}
