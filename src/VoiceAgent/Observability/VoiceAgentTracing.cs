using System.Diagnostics;

namespace VoiceAgent.Observability;

/// <summary>
/// The product's <see cref="ActivitySource"/> (one per host). Spans are built from the per-turn timelines after the
/// fact (see <see cref="CallTelemetry"/>), so no span work happens while a reply is on its way to the caller.
/// </summary>
public sealed class VoiceAgentTracing : IDisposable
{
    public const string SourceName = "VoiceAgent";

    public VoiceAgentTracing() : this(SourceName)
    {
    }

    /// <summary>A source under another name: the start-up warm-up call's spans, which no listener of <see cref="SourceName"/> sees.</summary>
    internal VoiceAgentTracing(string sourceName) => Source = new ActivitySource(sourceName);

    internal ActivitySource Source { get; }

    public void Dispose() => Source.Dispose();
}
