using System.Text.Json;
using Microsoft.Extensions.AI;

namespace VoiceAgent.Conversation.Tools;

/// <summary>The tools the model may call, and the parsing of its calls into <see cref="AgentAction"/>s.</summary>
internal static class AgentTools
{
    public const string EscalateToHumanName = "escalate_to_human";
    public const string CannotAnswerName = "cannot_answer";
    public const string EndCallName = "end_call";
    public const string SwitchLanguageName = "switch_language";
    public const string SendDigitsName = "send_digits";
    public const string PlayHoldMusicName = "play_hold_music";

    /// <summary>Names an application tool may not take.</summary>
    public static readonly string[] BuiltInNames = [EscalateToHumanName, CannotAnswerName, EndCallName, SwitchLanguageName, SendDigitsName, PlayHoldMusicName,
        ConversationControlTools.CollectPaymentName, ConversationControlTools.AskChoiceName, ConversationControlTools.SetPacingName];

    public static IList<AITool> Declarations(AgentOptions agent)
    {
        var tools = new List<AITool>
        {
            Declare(EscalateToHumanName, "Transfer the caller to a human colleague, who hears your reason and summary before joining. Use when the caller asks for a person or you cannot help.",
                """{"type":"object","properties":{"reason":{"type":"string","description":"Why the caller needs a person, a few words"},"summary":{"type":"string","description":"One sentence for the colleague: who the caller is and what they need"}},"required":["reason","summary"]}"""),
            Declare(EndCallName, "Hang up after the caller said goodbye or the conversation is clearly over.",
                """{"type":"object","properties":{"reason":{"type":"string"}},"required":["reason"]}"""),
            Declare(SwitchLanguageName, "Switch the call to another language when the caller asks or speaks it.",
                """{"type":"object","properties":{"language":{"type":"string","description":"BCP-47 code such as es-US"}},"required":["language"]}"""),
            Declare(SendDigitsName, "Send keypad tones to the other end, e.g. an extension. Digits 0-9, * and #; w is a half-second pause.",
                """{"type":"object","properties":{"digits":{"type":"string"}},"required":["digits"]}"""),
        };
        if (agent.Escalation.OnCannotAnswer)
            tools.Add(Declare(CannotAnswerName, "Say you cannot answer: call this instead of guessing when the question is outside what you know or may do.",
                """{"type":"object","properties":{"question":{"type":"string","description":"The caller's question, in one sentence"}},"required":["question"]}"""));
        if (agent.HoldMusicUrl is not null)
            tools.Add(Declare(PlayHoldMusicName, "Play hold music while the caller waits.", """{"type":"object","properties":{}}"""));
        return tools;
    }

    /// <summary>The capability a tool's command needs from the transport; None for tools every transport carries out.</summary>
    public static CallCapabilities RequiredCapability(string name) => name switch
    {
        SwitchLanguageName => CallCapabilities.SwitchLanguage,
        SendDigitsName => CallCapabilities.SendDigits,
        PlayHoldMusicName => CallCapabilities.PlayAudio,
        _ => CallCapabilities.None,
    };

    /// <summary>
    /// <paramref name="options"/> with only the tools <paramref name="capabilities"/> can carry out (a copy;
    /// the shared options are left alone).
    /// </summary>
    public static ChatOptions ForTransport(ChatOptions options, CallCapabilities capabilities)
    {
        var copy = options.Clone();
        if (copy.Tools is { Count: > 0 } tools)
            copy.Tools = tools.Where(t => capabilities.HasFlag(RequiredCapability(t.Name))).ToList();
        return copy;
    }

    /// <summary>Turns a model tool call into an action, or explains why it cannot be carried out on this call.</summary>
    public static AgentAction? Parse(FunctionCallContent call, AgentOptions agent, CallCapabilities capabilities, out string? error)
    {
        error = null;
        if (!capabilities.HasFlag(RequiredCapability(call.Name)))
        {
            error = $"tool '{call.Name}' is not available on this call";
            return null;
        }
        switch (call.Name)
        {
            case EscalateToHumanName:
                return new EscalateToHuman(Bounded(Argument(call, "reason"), 200) ?? "the agent decided a person should help",
                    Bounded(Argument(call, "summary"), 400) ?? "", EscalationTrigger.Model);
            case CannotAnswerName when agent.Escalation.OnCannotAnswer:
                var question = Bounded(Argument(call, "question"), 400) ?? "";
                return new EscalateToHuman("the agent could not answer the caller's question", question.Length == 0 ? "" : "The caller asked: " + question, EscalationTrigger.CannotAnswer);
            case EndCallName: return new HangUp(Argument(call, "reason") ?? "conversation over");
            case SwitchLanguageName when Argument(call, "language") is { Length: >= 2 and <= 35 } language:
                return new ChangeLanguage(language);
            case SendDigitsName when Argument(call, "digits") is { Length: > 0 and <= 64 } digits && digits.All(c => "0123456789*#w".Contains(c, StringComparison.Ordinal)):
                return new PressDigits(digits);
            case PlayHoldMusicName when agent.HoldMusicUrl is not null:
                return new PlayHoldMusic();
            case var name when ConversationControlTools.Handles(name):
                return ConversationControlTools.Parse(call, out error);
            default:
                error = $"tool '{call.Name}' is unknown or its arguments are invalid";
                return null;
        }
    }

    private static string? Bounded(string? text, int max) => string.IsNullOrWhiteSpace(text) ? null : text.Trim() is var t && t.Length > max ? t[..max] : t;

    private static AIFunctionDeclaration Declare(string name, string description, string schema)
        => AIFunctionFactory.CreateDeclaration(name, description, JsonElement.Parse(schema));

    private static string? Argument(FunctionCallContent call, string name) => (call.Arguments is { } args && args.TryGetValue(name, out var value) ? value : null) switch
    {
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        string s => s,
        null => null,
        var other => other.ToString(),
    };
}
