using VoiceAgent.Observability;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace VoiceAgent.Telephony.Vonage;

/// <summary>
/// A Vonage call-status webhook (<c>started</c>, <c>ringing</c>, <c>answered</c>, <c>completed</c>, …): JSON POST
/// by default, query string with <c>event_method=GET</c>. Recorded as a log line keyed by the call's uuid;
/// phone numbers are read past, never logged.
/// </summary>
internal sealed partial class VonageCallEvent
{
    [JsonPropertyName("uuid")] public string? Uuid { get; set; }
    [JsonPropertyName("conversation_uuid")] public string? ConversationUuid { get; set; }
    [JsonPropertyName("status")] public string? Status { get; set; }
    [JsonPropertyName("direction")] public string? Direction { get; set; }
    [JsonPropertyName("timestamp")] public string? Timestamp { get; set; }
    /// <summary>Set on the <c>transfer</c> event (a leg moved between conversations), which carries no status.</summary>
    [JsonPropertyName("conversation_uuid_to")] public string? ConversationUuidTo { get; set; }

    /// <summary>Reads the event from the (already verified) request; null when it is not one.</summary>
    public static async Task<VonageCallEvent?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (HttpMethods.IsGet(request.Method))
            return new VonageCallEvent
            {
                Uuid = request.Query["uuid"].ToString(),
                ConversationUuid = request.Query["conversation_uuid"].ToString(),
                Status = request.Query["status"].ToString(),
                Direction = request.Query["direction"].ToString(),
                Timestamp = request.Query["timestamp"].ToString(),
                ConversationUuidTo = request.Query["conversation_uuid_to"].ToString(),
            };
        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, VonageCallEventJsonContext.Default.VonageCallEvent, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Records the event; false when it carries no uuid or status (a <c>transfer</c> event counts as status "transfer").</summary>
    public bool Record(ILogger logger)
    {
        if (string.IsNullOrEmpty(Status) && !string.IsNullOrEmpty(ConversationUuidTo)) Status = "transfer";
        if (string.IsNullOrEmpty(Uuid) || string.IsNullOrEmpty(Status))
        {
            LogUnreadable(logger);
            return false;
        }
        LogStatus(logger, Uuid, Status, Direction ?? "", Timestamp ?? "");
        return true;
    }

    [LoggerMessage(EventId = EventIds.VonageCallStatus, Level = LogLevel.Information, Message = "Vonage call {Uuid}: {Status} ({Direction}, {Timestamp})")]
    private static partial void LogStatus(ILogger logger, string uuid, string status, string direction, string timestamp);

    [LoggerMessage(EventId = EventIds.VonageEventUnreadable, Level = LogLevel.Warning, Message = "Vonage event webhook without a uuid and status; ignored")]
    private static partial void LogUnreadable(ILogger logger);
}

[JsonSerializable(typeof(VonageCallEvent))]
internal sealed partial class VonageCallEventJsonContext : JsonSerializerContext;
