using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace VoiceAgent.Conversation;

/// <summary>The <c>handoffData</c> the carrier passes to the <c>&lt;Connect action&gt;</c> callback.</summary>
internal static class Handoff
{
    public const string LiveAgent = "live-agent-handoff";
    public const string CallerEnded = "caller-ended";
    public const string AgentEnded = "agent-ended";

    private static readonly JsonSerializerOptions Options = new(ConversationJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>True when <paramref name="handoffJson"/> (as <see cref="Json"/> writes it) hands the call to a person.</summary>
    public static bool IsLiveAgent(string? handoffJson)
    {
        if (string.IsNullOrEmpty(handoffJson)) return false;
        try
        {
            using var document = JsonDocument.Parse(handoffJson);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("reasonCode", out var code) && code.ValueEquals(LiveAgent);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The hand-off data. A live-agent hand-off carries the <paramref name="summary"/> (one sentence for the person who
    /// takes the call) and the <paramref name="trigger"/> that decided it; the warm transfer reads both for the brief.
    /// </summary>
    public static string Json(string reasonCode, string reason, string callId, DateTimeOffset at, string? summary = null, EscalationTrigger? trigger = null)
    {
        var data = new Dictionary<string, string>
        {
            ["reasonCode"] = reasonCode,
            ["reason"] = reason,
            ["callSid"] = callId,
            ["at"] = at.ToString("O", CultureInfo.InvariantCulture),
        };
        if (!string.IsNullOrWhiteSpace(summary)) data["summary"] = summary;
        if (trigger is { } t) data["trigger"] = EscalationTriggerNames.Of(t);
        return JsonSerializer.Serialize(data, Options.GetTypeInfo(typeof(Dictionary<string, string>)));
    }
}
