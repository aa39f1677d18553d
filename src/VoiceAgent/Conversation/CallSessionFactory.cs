using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;
using VoiceAgent.Observability.Cost;

namespace VoiceAgent.Conversation;

/// <summary>Creates the engine for each new call; singleton, holds what all calls share.</summary>
internal sealed class CallSessionFactory(CallSessionDependencies dependencies)
{
    public TimeProvider Clock => dependencies.Clock;

    public CallSession Create(ICallTransport transport, string transportName, CallTelemetry? telemetry = null)
        => new(dependencies, transport, transportName, provisionalCallId: "pending-" + Guid.NewGuid().ToString("N")[..12], telemetry ?? CreateTelemetry(transportName));

    /// <summary>A new call's telemetry (its usage is counted from the start, e.g. by the audio path's metered STT and TTS).</summary>
    public CallTelemetry CreateTelemetry(string transportName) => new(dependencies.Tracing, dependencies.Metrics, dependencies.Prices ?? PriceTable.BuiltIn,
        dependencies.Clock, dependencies.LoggerFactory.CreateLogger<CallTelemetry>(), transportName);
}
