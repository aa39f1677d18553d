using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Tools;
using VoiceAgent.Observability;

namespace VoiceAgent.Conversation;

/// <summary>
/// A keypad choice the model asked for (<c>ask_choice</c>): the question and its digits are read out; a matching key
/// answers it (the model gets the chosen answer), other keys hear the options again, and an answer by voice goes to
/// the model as usual. Keys bound to actions (operator, repeat) keep working.
/// </summary>
internal sealed partial class CallSession
{
    private AskChoice? _choice;

    private async ValueTask BeginChoiceAsync(AskChoice choice, CancellationToken ct)
    {
        _choice = choice;
        LogChoiceAsked(_logger, CallId, choice.Options.Count);
        await SayAsync(choice.Spoken("Press"), ct);
    }

    private async ValueTask<bool> InterceptChoiceAsync(ConversationEvent e, CancellationToken ct)
    {
        var choice = _choice!;
        switch (e)
        {
            case DigitPressed digit when choice.Options.FirstOrDefault(o => o.Digit == digit.Digit) is { } picked:
                _choice = null;
                LogChoiceAnswered(_logger, CallId, picked.Digit);
                await CutCurrentReplyAsync(heard: null, closeTalkCycle: true, digit.ReceivedAt, ct);
                _transcript.Digit(digit.Digit);
                _turnCount++;
                _history.AddUser($"[The caller pressed {picked.Digit} on the keypad, choosing \"{picked.Answer}\" in answer to \"{choice.Question}\"]");
                _ = StartReply(digit.ReceivedAt, ct);
                return true;
            case DigitPressed digit when _deps.Agent.DtmfBindings.ContainsKey(digit.Digit):
                return false; // operator, repeat, end: as everywhere else
            case DigitPressed digit:
                await CutCurrentReplyAsync(heard: null, closeTalkCycle: true, digit.ReceivedAt, ct);
                await SayAsync("Sorry, that's not one of the options. " + choice.Spoken("Press"), ct);
                return true;
            case UserSaid { IsFinal: true }:
                _choice = null; // answered (or moved on) by voice: the model reads it
                return false;
            default:
                return false;
        }
    }

    [LoggerMessage(EventId = EventIds.ChoiceAsked, Level = LogLevel.Information, Message = "Call {CallId}: keypad choice with {Options} options asked")]
    private static partial void LogChoiceAsked(ILogger logger, string callId, int options);

    [LoggerMessage(EventId = EventIds.ChoiceAnswered, Level = LogLevel.Information, Message = "Call {CallId}: keypad choice answered with {Digit}")]
    private static partial void LogChoiceAnswered(ILogger logger, string callId, string digit);
}
