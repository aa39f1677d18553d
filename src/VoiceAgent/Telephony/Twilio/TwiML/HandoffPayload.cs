using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceAgent.Telephony.Twilio.TwiML;

/// <summary>
/// The JSON this server puts in <c>handoffData</c>:
/// <c>{"reasonCode":"live-agent-handoff","reason":"…","transferTarget":"sales"}</c>.
/// </summary>
internal sealed record HandoffPayload
{
    [JsonPropertyName("reasonCode")]
    public string? ReasonCode { get; init; }

    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    /// <summary>One sentence for the person who takes the call (the warm transfer's brief).</summary>
    [JsonPropertyName("summary")]
    public string? Summary { get; init; }

    /// <summary>A name from <see cref="ConnectActionReplyOptions.TransferTargets"/>; never a phone number.</summary>
    [JsonPropertyName("transferTarget")]
    public string? TransferTarget { get; init; }

    /// <summary>The payload in a callback's <c>handoffData</c>; null when it is empty or not this JSON.</summary>
    public static HandoffPayload? Parse(string? handoffData)
    {
        if (string.IsNullOrWhiteSpace(handoffData)) return null;
        try
        {
            return JsonSerializer.Deserialize(handoffData, TwimlJsonContext.Default.HandoffPayload);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
