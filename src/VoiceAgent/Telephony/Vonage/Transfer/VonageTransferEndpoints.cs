using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;
using VoiceAgent.Telephony.Vonage.Security;

namespace VoiceAgent.Telephony.Vonage.Transfer;

/// <summary>The Vonage warm transfer's signed webhooks: the agent leg's events, and the voicemail recording's event.</summary>
internal static partial class VonageTransferEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(VonageWarmTransfer.AgentEventPath, async (HttpRequest request, VonageWarmTransfer transfer) =>
        {
            var customer = request.Query["customer"].ToString();
            if (customer.Length == 0) return Results.BadRequest("The agent leg's event URL names the waiting caller's leg (customer=uuid).");
            var callEvent = await VonageCallEvent.ReadAsync(request, request.HttpContext.RequestAborted);
            if (callEvent?.Status is not { Length: > 0 } status) return Results.BadRequest("A Vonage event carries a status.");
            await transfer.OnAgentEventAsync(customer, status, request.HttpContext.RequestAborted);
            return Results.NoContent();
        }).RequireVonageSignature();

        endpoints.MapPost(VonageWarmTransfer.VoicemailPath, async (HttpRequest request, ILoggerFactory logs) =>
        {
            // The recording stays in the Vonage account; its uuid and conversation are enough to find it for the call back.
            JsonDocument doc;
            try { doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted); }
            catch (JsonException) { return Results.BadRequest("A Vonage recording event is a JSON object."); }
            using var _ = doc;
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return Results.BadRequest("A Vonage recording event is a JSON object.");
            string Field(string name) => doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
            LogVoicemail(logs.CreateLogger("VoiceAgent.Telephony.Vonage.Transfer"), Field("conversation_uuid"), Field("recording_uuid"), Field("recording_url"));
            return Results.NoContent();
        }).RequireVonageSignature();
    }

    [LoggerMessage(EventId = EventIds.VonageTransferVoicemail, Level = LogLevel.Information, Message = "Conversation {ConversationId}: voicemail left for a call back (recording {RecordingId} at {RecordingUrl})")]
    private static partial void LogVoicemail(ILogger logger, string conversationId, string recordingId, string recordingUrl);
}
