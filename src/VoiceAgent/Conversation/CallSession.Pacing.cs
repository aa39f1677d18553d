using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Pacing;
using VoiceAgent.Conversation.Tools;
using VoiceAgent.Observability;

namespace VoiceAgent.Conversation;

/// <summary>
/// The caller asked the agent to slow down, speed up or be shorter (the model's <c>set_pacing</c> tool). Reply length
/// is the engine's own (an instruction added to the system prompt of every later request); voice speed is the
/// transport's, and only a transport that declares <see cref="CallCapabilities.SpeakingRate"/> gets it. Otherwise the
/// model is told plainly that the speed cannot change on this line, so it does not claim it did.
/// </summary>
internal sealed partial class CallSession
{
    private ReplyLength _replyLength = ReplyLength.Normal;

    private string SystemPromptForTurn() => _replyLength == ReplyLength.Shorter
        ? _deps.Agent.SystemPrompt + "\n\n" + PacingChange.ShorterInstruction
        : _deps.Agent.SystemPrompt;

    /// <summary>Sits in front of the transport and carries out <see cref="ChangePacing"/>.</summary>
    private sealed class PacingTransport(ICallTransport inner, CallSession session) : ICallTransport
    {
        public CallCapabilities Capabilities => inner.Capabilities;

        // Every other command (each token of every reply) passes straight through: no state machine of its own.
        public ValueTask SendAsync(TransportCommand command, CancellationToken cancellationToken)
            => command is ChangePacing pacing ? ChangeAsync(pacing, cancellationToken) : inner.SendAsync(command, cancellationToken);

        private async ValueTask ChangeAsync(ChangePacing pacing, CancellationToken cancellationToken)
        {
            if (pacing.Length is { } length) session._replyLength = length;
            if (pacing.Pace is { } pace)
            {
                if (!inner.Capabilities.HasFlag(CallCapabilities.SpeakingRate))
                {
                    LogPacing(session._logger, session.CallId, pacing.Length?.ToString() ?? "unchanged", "not available");
                    throw new CommandRejectedException("the voice speed cannot be changed on this line" +
                        (pacing.Length is null ? "; offer shorter, simpler replies instead" : $"; reply length was set to {pacing.Length.Value.ToString().ToLowerInvariant()}"));
                }
                await inner.SendAsync(pacing with { Length = null }, cancellationToken);
            }
            LogPacing(session._logger, session.CallId, pacing.Length?.ToString() ?? "unchanged", pacing.Pace?.ToString() ?? "unchanged");
        }
    }

    [LoggerMessage(EventId = EventIds.PacingChanged, Level = LogLevel.Information, Message = "Call {CallId}: pacing changed (length {Length}, voice speed {Pace})")]
    private static partial void LogPacing(ILogger logger, string callId, string length, string pace);
}
