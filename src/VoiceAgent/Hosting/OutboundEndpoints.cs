using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Telephony.Outbound;
using VoiceAgent.Telephony.Twilio.Security;
using VoiceAgent.Telephony.Twilio.TwiML;

namespace VoiceAgent.Hosting;

/// <summary>
/// Twilio's side of an outbound call: <c>POST /twiml/outbound?o=…</c> (the callee answered: TwiML for the call's
/// transport, its context as <c>&lt;Parameter&gt;</c>s, the outbound opening first) and <c>POST /twiml/status?o=…</c>
/// (status and async AMD callbacks). Both signed; a forged or unsigned request gets 403 before anything is read.
/// </summary>
internal static class OutboundEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(OutboundCalls.AnswerPath, async (HttpRequest request, OutboundCalls calls, VoiceAgentSettings settings, AgentOptions agent,
            TransportAvailability available, ILoggerFactory logs) =>
        {
            var ct = request.HttpContext.RequestAborted;
            if (await calls.FindAsync(request.Query["o"].ToString(), ct) is not { } row)
                return Results.Text("<Response><Hangup/></Response>", "application/xml");
            var parameters = calls.AnswerParameters(row, out var opening);
            var log = logs.CreateLogger("VoiceAgent.Transports");
            if (row.Transport == "media")
            {
                if (!available.Audio) return UnavailableTransport.Twiml(log, "Media Streams", available.AudioMissing);
                return Results.Text(MediaStreamTwiml.Build(VoiceAgentEndpointRouteBuilderExtensions.StreamTwimlOptions(settings, parameters)), "application/xml");
            }
            if (!available.Relay) return UnavailableTransport.Twiml(log, "ConversationRelay", available.RelayMissing);
            var options = VoiceAgentEndpointRouteBuilderExtensions.RelayTwimlOptions(settings, agent, parameters) with { WelcomeGreeting = opening };
            return Results.Text(ConversationRelayTwiml.Build(options), "application/xml");
        }).RequireTwilioSignature();

        endpoints.MapPost(OutboundCalls.StatusPath, async (HttpRequest request, OutboundCalls calls) =>
        {
            var ct = request.HttpContext.RequestAborted;
            if (!request.HasFormContentType) return Results.BadRequest("A Twilio callback is a form post.");
            var form = await request.ReadFormAsync(ct);
            var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
            return await calls.OnCallbackAsync(request.Query["o"].ToString(), fields, ct) ? Results.NoContent() : Results.NotFound();
        }).RequireTwilioSignature();
    }
}
