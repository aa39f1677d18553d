using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace VoiceAgent.Conversation.Tools;

/// <summary>
/// Tools for structured caller input and pacing: <c>collect_payment</c> (only with a payment handler registered),
/// <c>ask_choice</c> (a question answered on the keypad) and <c>set_pacing</c> (the caller asked for slower, faster or
/// shorter). Control flow comes from these calls, never from the model's prose.
/// </summary>
internal static class ConversationControlTools
{
    public const string CollectPaymentName = "collect_payment";
    public const string AskChoiceName = "ask_choice";
    public const string SetPacingName = "set_pacing";

    public static bool Handles(string name) => name is CollectPaymentName or AskChoiceName or SetPacingName;

    public static IEnumerable<AITool> Declarations(bool payments)
    {
        if (payments)
        {
            yield return Declare(CollectPaymentName,
                "Take a card payment securely. The caller keys the card number, expiry and security code on the keypad; you never see them and must never ask the caller to say them. You get the result afterwards.",
                """{"type":"object","properties":{"purpose":{"type":"string","description":"What the payment is for"},"amount":{"type":"number","description":"Amount to charge"},"currency":{"type":"string","description":"ISO 4217 code such as USD"}},"required":["purpose"]}""");
        }
        yield return Declare(AskChoiceName,
            "Ask a multiple-choice or yes/no question the caller can answer on the keypad. The question and each option with its digit are read out for you; do not read them yourself. The caller may also answer by voice.",
            """{"type":"object","properties":{"question":{"type":"string"},"options":{"type":"array","minItems":2,"maxItems":9,"items":{"type":"string"},"description":"Answers in order; the first is digit 1, the second digit 2, and so on"}},"required":["question","options"]}""");
        yield return Declare(SetPacingName,
            "Change how you speak when the caller asks you to slow down, speed up, be shorter or go back to normal.",
            """{"type":"object","properties":{"pace":{"type":"string","enum":["slower","normal","faster"]},"length":{"type":"string","enum":["shorter","normal"]}}}""");
    }

    /// <summary>
    /// Turns a call into an action. <c>collect_payment</c> is parsed even when no handler is registered (it is then
    /// not offered); the engine answers such a call with "not set up" rather than pretending.
    /// </summary>
    public static AgentAction? Parse(FunctionCallContent call, out string? error)
    {
        error = null;
        switch (call.Name)
        {
            case CollectPaymentName:
                var purpose = Argument(call, "purpose") is { Length: > 0 and <= 200 } p ? p : "the payment";
                decimal? amount = Argument(call, "amount") is { } a && decimal.TryParse(a, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
                var currency = Argument(call, "currency") is { Length: 3 } c && c.All(char.IsAsciiLetter) ? c.ToUpperInvariant() : null;
                return new CollectPayment(purpose, amount, currency);
            case AskChoiceName:
                var question = Argument(call, "question");
                var options = Options(call);
                if (string.IsNullOrWhiteSpace(question) || question.Length > 300 || options is not { Count: >= 2 and <= 9 } || options.Any(o => o.Length is 0 or > 80))
                {
                    error = "ask_choice needs a question and 2 to 9 short options";
                    return null;
                }
                return new AskChoice(question.Trim(), options.Select((o, i) => new ChoiceOption((i + 1).ToString(CultureInfo.InvariantCulture), o.Trim())).ToArray());
            case SetPacingName:
                SpeechPace? pace = Argument(call, "pace") is { } pv && Enum.TryParse<SpeechPace>(pv, ignoreCase: true, out var pp) && Enum.IsDefined(pp) ? pp : null;
                ReplyLength? length = Argument(call, "length") is { } lv && Enum.TryParse<ReplyLength>(lv, ignoreCase: true, out var lp) && Enum.IsDefined(lp) ? lp : null;
                if (pace is null && length is null)
                {
                    error = "set_pacing needs pace (slower, normal, faster) and/or length (shorter, normal)";
                    return null;
                }
                return new SetPacing(pace, length);
            default:
                error = $"tool '{call.Name}' is unknown";
                return null;
        }
    }

    private static List<string>? Options(FunctionCallContent call)
    {
        if (call.Arguments is not { } args || !args.TryGetValue("options", out var value)) return null;
        return value switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : e.ToString()).ToList(),
            IEnumerable<string> strings => strings.ToList(),
            _ => null,
        };
    }

    private static AIFunctionDeclaration Declare(string name, string description, string schema)
        => AIFunctionFactory.CreateDeclaration(name, description, JsonElement.Parse(schema));

    private static string? Argument(FunctionCallContent call, string name) => (call.Arguments is { } args && args.TryGetValue(name, out var value) ? value : null) switch
    {
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetRawText(),
        string s => s,
        null => null,
        var other => other.ToString(),
    };
}
