using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Observability;
using VoiceAgent.Storage.Sessions;

namespace VoiceAgent.Conversation;

/// <summary>What every call shares: the model, the agent's options, the clock, telemetry, where finished calls' records go, the session store (null: none), who files a lost call that never came back, tracing (null: no spans), the price table (null: the built-in one) and the live view the dashboard reads (null: none).</summary>
internal sealed record CallSessionDependencies(
    IChatClient Model,
    ChatOptions ModelOptions,
    AgentOptions Agent,
    TimeProvider Clock,
    VoiceAgentMetrics Metrics,
    ILoggerFactory LoggerFactory,
    ICallRecordSink? Records = null,
    SessionPersistence? Sessions = null,
    UnresumedCallSweeper? Unresumed = null,
    VoiceAgentTracing? Tracing = null,
    Observability.Cost.PriceTable? Prices = null,
    Observability.Live.CallMonitor? Monitor = null,
    Tools.ApplicationTools? Tools = null,
    Compliance.CallControls? Controls = null);
