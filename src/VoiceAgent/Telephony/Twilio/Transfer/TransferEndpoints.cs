using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;
using VoiceAgent.Telephony.Twilio.Security;

namespace VoiceAgent.Telephony.Twilio.Transfer;

/// <summary>The warm transfer's signed Twilio callbacks: the agent leg's status, the caller leaving the room, and the end of a voicemail.</summary>
internal static partial class TransferEndpoints
{
    public const string AgentStatusPath = "/twiml/transfer/agent-status";
    public const string VoicemailPath = "/twiml/transfer/voicemail";
    public const string ConferenceStatusPath = "/twiml/transfer/conference-status";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(AgentStatusPath, async (HttpRequest request, WarmTransfer transfer) =>
        {
            var customer = request.Query["customer"].ToString();
            if (!customer.StartsWith("CA", StringComparison.Ordinal)) return Results.BadRequest("The status callback names the waiting caller's call (customer=CA…).");
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            await transfer.OnAgentLegStatusAsync(customer, form["CallStatus"].ToString(), request.HttpContext.RequestAborted);
            return Results.NoContent();
        }).RequireTwilioSignature();

        endpoints.MapPost(ConferenceStatusPath, async (HttpRequest request, WarmTransfer transfer) =>
        {
            var customer = request.Query["customer"].ToString();
            if (!customer.StartsWith("CA", StringComparison.Ordinal)) return Results.BadRequest("The conference callback names the waiting caller's call (customer=CA…).");
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            // Only the caller's own leaving matters; the agent leaving ends the room for the caller anyway (endConferenceOnExit).
            if (form["StatusCallbackEvent"] == "participant-leave" && form["CallSid"] == customer)
                await transfer.OnCallerLeftAsync(customer, request.HttpContext.RequestAborted);
            return Results.NoContent();
        }).RequireTwilioSignature();

        endpoints.MapPost(VoicemailPath, async (HttpRequest request, WarmTransfer transfer, ILoggerFactory logs) =>
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            // The recording stays in the Twilio account; its SID and length are enough to find it for the call back.
            LogVoicemail(logs.CreateLogger("VoiceAgent.Telephony.Twilio.Transfer"), form["CallSid"].ToString(), form["RecordingSid"].ToString(), form["RecordingDuration"].ToString());
            return Results.Text(ConferenceTwiml.VoicemailDone(transfer.Options), "application/xml");
        }).RequireTwilioSignature();
    }

    [LoggerMessage(EventId = EventIds.TransferVoicemail, Level = LogLevel.Information, Message = "Call {CallId}: voicemail left for a call back (recording {RecordingSid}, {Seconds} s)")]
    private static partial void LogVoicemail(ILogger logger, string callId, string recordingSid, string seconds);
}
