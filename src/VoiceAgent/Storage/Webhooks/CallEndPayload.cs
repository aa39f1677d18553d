using System.Text.Json.Serialization;
using VoiceAgent.Conversation.Transcript;

namespace VoiceAgent.Storage.Webhooks;

/// <summary>The JSON body POSTed to <c>CALL_END_WEBHOOK_URL</c> when a call ends.</summary>
internal sealed record CallEndPayload
{
    public string Event { get; init; } = "call.ended";
    public required string CallSid { get; init; }
    public required string Transport { get; init; }
    public string? From { get; init; }
    public string? To { get; init; }
    public string? Direction { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset EndedAt { get; init; }
    public required double DurationSeconds { get; init; }
    public required string Outcome { get; init; }
    public string? EndedReason { get; init; }
    public string? HandoffReason { get; init; }
    public required int TurnCount { get; init; }
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
    /// <summary>Null when the caller opted out of transcript retention.</summary>
    public IReadOnlyList<TranscriptEntry>? Transcript { get; init; }
    public bool TranscriptWithheld { get; init; }
    /// <summary>The call's cost and the usage it was priced from (null when it was not computed).</summary>
    public Observability.Cost.CallCost? Cost { get; init; }

    public static CallEndPayload Create(CallRecord record, bool withholdTranscript) => new()
    {
        CallSid = record.CallSid,
        Transport = record.Transport,
        From = record.From,
        To = record.To,
        Direction = record.Direction,
        StartedAt = record.StartedAt,
        EndedAt = record.EndedAt,
        DurationSeconds = Math.Round(record.Duration.TotalSeconds, 3),
        Outcome = record.Outcome,
        EndedReason = record.EndedReason,
        HandoffReason = record.HandoffReason,
        TurnCount = record.TurnCount,
        Parameters = record.Parameters,
        Transcript = withholdTranscript || record.TranscriptWithheld ? null : record.Entries,
        TranscriptWithheld = withholdTranscript || record.TranscriptWithheld,
        Cost = record.Cost,
    };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CallEndPayload))]
internal sealed partial class CallEndPayloadJsonContext : JsonSerializerContext;
