using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;

namespace VoiceAgent.Providers.Resilience;

internal sealed partial class FirstTokenRaceChatClient
{
    [LoggerMessage(EventId = EventIds.ModelRaceStarted, Level = LogLevel.Warning, Message = "Model request to {Provider} {Trigger} after {ElapsedMs:0} ms; racing a second request to {SecondProvider}")]
    private static partial void LogRaceStarted(ILogger logger, string provider, ModelRaceTrigger trigger, double elapsedMs, string secondProvider);

    [LoggerMessage(EventId = EventIds.ModelRaceWon, Level = LogLevel.Information, Message = "Model race ({Trigger}): {Outcome}, first token from {Provider} after {ElapsedMs:0} ms; the other request was cancelled")]
    private static partial void LogRaceWon(ILogger logger, ModelRaceTrigger trigger, ModelRaceOutcome outcome, string provider, double elapsedMs);

    [LoggerMessage(EventId = EventIds.ModelRaceLost, Level = LogLevel.Warning, Message = "Model race ({Trigger}): both requests failed before a first token after {ElapsedMs:0} ms ({FirstError}; {LastError})")]
    private static partial void LogRaceLost(ILogger logger, ModelRaceTrigger trigger, double elapsedMs, string firstError, string lastError);
}
