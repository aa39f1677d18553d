using System.Globalization;
using System.Text.Json;
using VoiceAgent.Conversation;

namespace VoiceAgent.Telephony.ConversationRelay;

/// <summary>
/// Turns one ConversationRelay text frame into a conversation event. Pure: no socket, no state, so it can
/// be fed any bytes. Malformed input is rejected with a reason, never thrown.
/// </summary>
internal static class RelayMessageParser
{
    public static RelayParseResult Parse(ReadOnlySpan<byte> utf8Json, long receivedAt)
    {
        RelayInboundMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(utf8Json, RelayJsonContext.Default.RelayInboundMessage);
        }
        catch (JsonException ex)
        {
            return RelayParseResult.Reject($"malformed JSON: {ex.Message}");
        }
        if (message?.Type is null) return RelayParseResult.Reject("message has no 'type'");

        ConversationEvent? e = message.Type switch
        {
            "setup" => Setup(message),
            "prompt" => message.VoicePrompt is null ? null
                : new UserSaid(message.VoicePrompt, message.Last ?? true, Confidence: null, message.Lang),
            "interrupt" => new UserInterrupted(message.UtteranceUntilInterrupt, ReadDuration(message.DurationUntilInterruptMs)),
            "dtmf" => IsKeypadDigit(message.Digit) ? new DigitPressed(message.Digit!) : null,
            "error" => new TransportError(message.Description ?? "(no description)"),
            "info" => null,
            _ => null,
        };

        if (e is not null) return RelayParseResult.Of(e with { ReceivedAt = receivedAt });
        return message.Type switch
        {
            "info" => RelayParseResult.Ignore($"info {message.Name}={message.Value}"),
            "prompt" => RelayParseResult.Reject("prompt without 'voicePrompt'"),
            "dtmf" => RelayParseResult.Reject("dtmf without a keypad digit"),
            "setup" => RelayParseResult.Reject("setup without 'callSid'"),
            _ => RelayParseResult.Ignore($"unknown type '{Truncate(message.Type)}'"),
        };
    }

    private static CallStarted? Setup(RelayInboundMessage m) => m.CallSid is null ? null : new CallStarted(
        new CallInfo(m.CallSid, m.From, m.To, m.CustomParameters ?? new Dictionary<string, string>())
        {
            SessionId = m.SessionId,
            AccountSid = m.AccountSid,
            Direction = m.Direction,
        });

    private static TimeSpan? ReadDuration(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetDouble(out var ms) => TimeSpan.FromMilliseconds(ms),
        JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) => TimeSpan.FromMilliseconds(ms),
        _ => null,
    };

    private static bool IsKeypadDigit(string? digit) => digit is { Length: 1 } && "0123456789*#ABCDabcd".Contains(digit[0], StringComparison.Ordinal);

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
