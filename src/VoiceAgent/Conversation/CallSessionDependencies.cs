using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;
using VoiceAgent.Storage.Sessions;

namespace VoiceAgent.Conversation;

/// <summary>What every call shares: the model, the agent's options, the clock, telemetry, the session store (null: none).</summary>
internal sealed record CallSessionDependencies(
    IChatClient Model,
    ChatOptions ModelOptions,
    AgentOptions Agent,
    TimeProvider Clock,
    VoiceAgentMetrics Metrics,
    ILoggerFactory LoggerFactory,
    SessionPersistence? Sessions = null);
