using VoiceAgent.Conversation;

namespace VoiceAgent.Telephony.Outbound;

/// <summary>
/// The <c>&lt;Parameter&gt;</c>s an outbound call's TwiML carries besides its context. Names with the <c>va_</c> prefix
/// are for the server, never shown to the model; the context keys (who, why, application data) reach the model as the
/// call's context, the same way an inbound call's parameters do.
/// </summary>
public static class OutboundParameters
{
    public const string Prefix = "va_";
    /// <summary>The first line the callee hears (spoken by the carrier on ConversationRelay, by our TTS on the audio path).</summary>
    public const string Opening = "va_opening";
    /// <summary>Our id for the outbound call, so the audio path's machine detector can report about it.</summary>
    public const string OutboundId = "va_outbound";
    /// <summary>Shown to the model so it knows it placed the call.</summary>
    public const string Direction = "call_direction";
    public const string DirectionValue = "outbound: the agent placed this call; the person answering did not call us";

    public static string? OpeningOf(CallInfo call) => call.Parameters.GetValueOrDefault(Opening);

    public static bool IsInternal(string key) => key.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Checks a context given by an API client; null when valid.</summary>
    public static string? Check(IReadOnlyDictionary<string, string>? context)
    {
        if (context is null) return null;
        if (context.Count > 20) return "context has more than 20 entries";
        foreach (var (key, value) in context)
        {
            if (key.Length is 0 or > 40 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) return $"context key '{key}' must be 1..40 letters, digits or _";
            if (IsInternal(key) || key == Direction) return $"context key '{key}' is reserved";
            if (value is null || value.Length > 500) return $"context value of '{key}' must be a string of at most 500 characters";
        }
        return null;
    }
}
