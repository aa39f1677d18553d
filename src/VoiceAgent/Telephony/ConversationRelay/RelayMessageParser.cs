using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using VoiceAgent.Conversation;

namespace VoiceAgent.Telephony.ConversationRelay;

/// <summary>
/// Turns one ConversationRelay text frame into a conversation event. Pure: no socket, no state, so it can
/// be fed any bytes. Malformed input is rejected with a reason, never thrown.
/// The frame is read in place with a <see cref="Utf8JsonReader"/> over the receive buffer: only the strings the event
/// keeps are allocated (the type is matched as bytes, fields of other message types are skipped unread).
/// Every field of every message Twilio sends (setup, prompt, interrupt, dtmf, error, info) is known; unknown fields are
/// skipped; <c>durationUntilInterruptMs</c>, which Twilio has been seen to send as a string, is read as number or string.
/// </summary>
internal static class RelayMessageParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    public static RelayParseResult Parse(ReadOnlySpan<byte> utf8Json, long receivedAt)
    {
        Fields fields;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
            if (!reader.Read()) return RelayParseResult.Reject("malformed JSON: the frame is empty");
            if (reader.TokenType != JsonTokenType.StartObject) return RelayParseResult.Reject($"malformed JSON: expected an object, got {reader.TokenType}");
            if (ReadFields(ref reader, out fields) is { } wrong) return RelayParseResult.Reject(wrong);
            if (reader.Read()) return RelayParseResult.Reject("malformed JSON: more than one value in the frame");
        }
        catch (JsonException ex)
        {
            return RelayParseResult.Reject($"malformed JSON: {ex.Message}");
        }
        catch (InvalidOperationException ex) when (ex.InnerException is System.Text.DecoderFallbackException)
        {
            // The reader checks the JSON's structure; a string's bytes are decoded when the string is read.
            return RelayParseResult.Reject("malformed JSON: a string is not valid UTF-8");
        }
        if (fields.Type == MessageType.None) return RelayParseResult.Reject("message has no 'type'");

        switch (fields.Type)
        {
            case MessageType.Setup:
                return fields.CallSid is null ? RelayParseResult.Reject("setup without 'callSid'") : RelayParseResult.Of(new CallStarted(
                    new CallInfo(fields.CallSid, fields.From, fields.To, fields.CustomParameters ?? new Dictionary<string, string>())
                    {
                        SessionId = fields.SessionId,
                        AccountSid = fields.AccountSid,
                        Direction = fields.Direction,
                    })
                { ReceivedAt = receivedAt });
            case MessageType.Prompt:
                return fields.VoicePrompt is null ? RelayParseResult.Reject("prompt without 'voicePrompt'")
                    : RelayParseResult.Of(new UserSaid(fields.VoicePrompt, fields.Last ?? true, Confidence: null, fields.Lang) { ReceivedAt = receivedAt });
            case MessageType.Interrupt:
                return RelayParseResult.Of(new UserInterrupted(fields.UtteranceUntilInterrupt, fields.DurationMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null) { ReceivedAt = receivedAt });
            case MessageType.Dtmf:
                return IsKeypadDigit(fields.Digit) ? RelayParseResult.Of(new DigitPressed(fields.Digit!) { ReceivedAt = receivedAt }) : RelayParseResult.Reject("dtmf without a keypad digit");
            case MessageType.Error:
                return RelayParseResult.Of(new TransportError(fields.Description ?? "(no description)") { ReceivedAt = receivedAt });
            case MessageType.Info:
                return RelayParseResult.Ignore(new RelayIgnoredFrame("info", fields.Name, fields.Value));
            default:
                return RelayParseResult.Ignore(new RelayIgnoredFrame("unknown type", Truncate(fields.UnknownType!), null));
        }
    }

    private enum MessageType { None, Setup, Prompt, Interrupt, Dtmf, Error, Info, Unknown }

    /// <summary>What one frame said, field by field (null: absent or JSON null).</summary>
    private struct Fields
    {
        public MessageType Type;
        public string? UnknownType;
        public string? SessionId, AccountSid, CallSid, From, To, Direction;
        public Dictionary<string, string>? CustomParameters;
        public string? VoicePrompt, Lang;
        public bool? Last;
        public string? UtteranceUntilInterrupt;
        public double? DurationMs;
        public string? Digit, Description, Name, Value;
    }

    /// <summary>Reads the top-level object's properties; returns why the frame is rejected, or null.</summary>
    private static string? ReadFields(ref Utf8JsonReader reader, out Fields fields)
    {
        fields = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8)) { reader.Read(); if (ReadType(ref reader, ref fields) is { } e) return e; }
            else if (reader.ValueTextEquals("sessionId"u8)) { if (String(ref reader, "sessionId", out fields.SessionId) is { } e) return e; }
            else if (reader.ValueTextEquals("accountSid"u8)) { if (String(ref reader, "accountSid", out fields.AccountSid) is { } e) return e; }
            else if (reader.ValueTextEquals("callSid"u8)) { if (String(ref reader, "callSid", out fields.CallSid) is { } e) return e; }
            else if (reader.ValueTextEquals("from"u8)) { if (String(ref reader, "from", out fields.From) is { } e) return e; }
            else if (reader.ValueTextEquals("to"u8)) { if (String(ref reader, "to", out fields.To) is { } e) return e; }
            else if (reader.ValueTextEquals("direction"u8)) { if (String(ref reader, "direction", out fields.Direction) is { } e) return e; }
            else if (reader.ValueTextEquals("customParameters"u8)) { if (Parameters(ref reader, out fields.CustomParameters) is { } e) return e; }
            else if (reader.ValueTextEquals("voicePrompt"u8)) { if (String(ref reader, "voicePrompt", out fields.VoicePrompt) is { } e) return e; }
            else if (reader.ValueTextEquals("lang"u8)) { if (String(ref reader, "lang", out fields.Lang) is { } e) return e; }
            else if (reader.ValueTextEquals("last"u8)) { if (Boolean(ref reader, "last", out fields.Last) is { } e) return e; }
            else if (reader.ValueTextEquals("utteranceUntilInterrupt"u8)) { if (String(ref reader, "utteranceUntilInterrupt", out fields.UtteranceUntilInterrupt) is { } e) return e; }
            else if (reader.ValueTextEquals("durationUntilInterruptMs"u8)) { reader.Read(); fields.DurationMs = Duration(ref reader); }
            else if (reader.ValueTextEquals("digit"u8)) { if (String(ref reader, "digit", out fields.Digit) is { } e) return e; }
            else if (reader.ValueTextEquals("description"u8)) { if (String(ref reader, "description", out fields.Description) is { } e) return e; }
            else if (reader.ValueTextEquals("name"u8)) { if (String(ref reader, "name", out fields.Name) is { } e) return e; }
            else if (reader.ValueTextEquals("value"u8)) { if (String(ref reader, "value", out fields.Value) is { } e) return e; }
            else reader.Skip(); // an unknown field (Twilio adds fields): its value is passed over
        }
        return null; // the reader stands on the object's end (a truncated frame threw)
    }

    private static string? ReadType(ref Utf8JsonReader reader, ref Fields fields)
    {
        if (reader.TokenType == JsonTokenType.Null) { fields.Type = MessageType.None; return null; }
        if (reader.TokenType != JsonTokenType.String) return Mismatch("type", reader.TokenType);
        fields.Type = reader.ValueTextEquals("prompt"u8) ? MessageType.Prompt
            : reader.ValueTextEquals("interrupt"u8) ? MessageType.Interrupt
            : reader.ValueTextEquals("setup"u8) ? MessageType.Setup
            : reader.ValueTextEquals("dtmf"u8) ? MessageType.Dtmf
            : reader.ValueTextEquals("info"u8) ? MessageType.Info
            : reader.ValueTextEquals("error"u8) ? MessageType.Error
            : MessageType.Unknown;
        fields.UnknownType = fields.Type == MessageType.Unknown ? reader.GetString() : null;
        return null;
    }

    private static string? String(ref Utf8JsonReader reader, string name, out string? value)
    {
        reader.Read();
        value = null;
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.String) return Mismatch(name, reader.TokenType);
        value = reader.GetString();
        return null;
    }

    private static string? Boolean(ref Utf8JsonReader reader, string name, out bool? value)
    {
        reader.Read();
        value = reader.TokenType switch { JsonTokenType.True => true, JsonTokenType.False => false, _ => null };
        return value is null && reader.TokenType != JsonTokenType.Null ? Mismatch(name, reader.TokenType) : null;
    }

    private static string? Parameters(ref Utf8JsonReader reader, out Dictionary<string, string>? parameters)
    {
        reader.Read();
        parameters = null;
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartObject) return Mismatch("customParameters", reader.TokenType);
        parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String) return Mismatch("customParameters." + Truncate(key), reader.TokenType);
            parameters[key] = reader.GetString()!;
        }
        return null;
    }

    /// <summary>Milliseconds as a JSON number or a numeric string; anything else (or nothing usable) is no duration, skipped.</summary>
    private static double? Duration(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetDouble(out var ms):
                return ms;
            case JsonTokenType.String when !reader.ValueIsEscaped && !reader.HasValueSequence
                && Utf8Parser.TryParse(reader.ValueSpan, out double raw, out var used) && used == reader.ValueSpan.Length:
                return raw;
            case JsonTokenType.String:
                return double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
            default:
                reader.Skip();
                return null;
        }
    }

    private static string Mismatch(string field, JsonTokenType token) => $"malformed JSON: '{field}' cannot be {token}";

    private static bool IsKeypadDigit(string? digit) => digit is { Length: 1 } && "0123456789*#ABCDabcd".Contains(digit[0], StringComparison.Ordinal);

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
