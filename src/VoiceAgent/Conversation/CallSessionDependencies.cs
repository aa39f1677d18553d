using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Observability;
using VoiceAgent.Storage.Sessions;

namespace VoiceAgent.Conversation;

/// <summary>What every call shares: the model, the agent's options, the clock, telemetry, and where finished calls' records go, the session store (null: none).</summary>
internal sealed record CallSessionDependencies(
    IChatClient Model,
    ChatOptions ModelOptions,
    AgentOptions Agent,
    TimeProvider Clock,
    VoiceAgentMetrics Metrics,
    ILoggerFactory LoggerFactory,
    ICallRecordSink? Records = null,
    SessionPersistence? Sessions = null,
    Compliance.CallControls? Controls = null);
