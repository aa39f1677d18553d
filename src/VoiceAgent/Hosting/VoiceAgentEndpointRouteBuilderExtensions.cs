using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VoiceAgent.Conversation;
using VoiceAgent.Telephony.ConversationRelay;
using VoiceAgent.Telephony.MediaStreams;
using VoiceAgent.Telephony.Vonage;
using VoiceAgent.Telephony.Vonage.Ncco;
using VoiceAgent.Telephony.Twilio.Security;
using VoiceAgent.Telephony.Twilio.TwiML;

namespace VoiceAgent.Hosting;

/// <summary>Maps the endpoints in CONTRACT.md. Handlers are thin; the logic lives in the library.</summary>
public static class VoiceAgentEndpointRouteBuilderExtensions
{
    public const string RelayTwimlPath = "/twiml/relay";
    public const string RelayActionPath = "/twiml/relay/action";
    public const string RelaySocketPath = "/ws/relay";
    public const string StreamTwimlPath = "/twiml/stream";
    public const string MediaSocketPath = "/ws/media";
    public const string VonageAnswerPath = "/vonage/answer";
    public const string VonageSocketPath = "/ws/vonage";
    private static readonly string[] VonageForwardedQuery = ["from", "to", "locale"];
    private static readonly string[] StreamForwardedForm = ["From", "To"];

    public static IEndpointRouteBuilder MapVoiceAgent(this IEndpointRouteBuilder endpoints)
    {
        HealthEndpoints.Map(endpoints);

        endpoints.MapPost(RelayTwimlPath, (HttpRequest request, VoiceAgentSettings settings, AgentOptions agent) =>
            Results.Text(ConversationRelayTwiml.Build(RelayTwimlOptions(settings, agent, request)), "application/xml"))
            .RequireTwilioSignature();

        endpoints.MapPost(RelayActionPath, async (HttpRequest request, VoiceAgentSettings settings) =>
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            var reply = ConnectActionReply.Build(ConnectActionCallback.FromForm(form), new ConnectActionReplyOptions { DefaultTransferNumber = settings.TransferNumber });
            return Results.Text(reply, "application/xml");
        }).RequireTwilioSignature();

        endpoints.Map(RelaySocketPath, async (HttpContext context, RelayConnectionHandler handler) =>
        {
            if (!context.WebSockets.IsWebSocketRequest) return Results.BadRequest("ConversationRelay connects here with a WebSocket upgrade.");
            await handler.HandleAsync(context);
            return Results.Empty;
        }).RequireTwilioSignature();

        endpoints.MapPost(StreamTwimlPath, async (HttpRequest request, VoiceAgentSettings settings) =>
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            return Results.Text(MediaStreamTwiml.Build(StreamTwimlOptions(settings, request, form)), "application/xml");
        }).RequireTwilioSignature();

        endpoints.Map(MediaSocketPath, async (HttpContext context, MediaStreamsConnectionHandler handler) =>
        {
            if (!context.WebSockets.IsWebSocketRequest) return Results.BadRequest("Media Streams connects here with a WebSocket upgrade.");
            await handler.HandleAsync(context);
            return Results.Empty;
        }).RequireTwilioSignature();

        endpoints.MapGet(VonageAnswerPath, (HttpRequest request, VoiceAgentSettings settings, VonageCallAuthenticator authenticator) =>
        {
            var uuid = request.Query["uuid"].ToString();
            if (uuid.Length == 0) return Results.BadRequest("The Vonage answer webhook carries the call's uuid.");
            var headers = new Dictionary<string, string>
            {
                [VonageCallAuthenticator.CallUuidHeader] = uuid,
                [VonageCallSecret.HeaderName] = authenticator.SecretFor(uuid),
            };
            foreach (var key in VonageForwardedQuery)
                if (request.Query[key].ToString() is { Length: > 0 } value) headers[key] = value;
            var ncco = VonageNcco.ConnectWebSocket(WebSocketUrl.FromPublicBase(new Uri(settings.PublicBaseUrl), VonageSocketPath), VonageNcco.DefaultContentType, headers);
            return Results.Text(ncco, "application/json");
        });

        endpoints.Map(VonageSocketPath, async (HttpContext context, VonageConnectionHandler handler) =>
        {
            if (!context.WebSockets.IsWebSocketRequest) return Results.BadRequest("Vonage connects here with a WebSocket upgrade.");
            await handler.HandleAsync(context);
            return Results.Empty;
        });

        return endpoints;
    }

    /// <summary>
    /// <c>&lt;Connect&gt;&lt;Stream&gt;</c> for one incoming call. The stream URL takes no query string (Twilio drops it), so
    /// the caller's number and the webhook's query values travel as <c>&lt;Parameter&gt;</c>s: the locale is chosen from them.
    /// </summary>
    internal static MediaStreamTwimlOptions StreamTwimlOptions(VoiceAgentSettings settings, HttpRequest request, IFormCollection form)
    {
        var parameters = request.Query.Where(q => q.Key.Length > 0).ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        foreach (var key in StreamForwardedForm)
            if (form.TryGetValue(key, out var value) && value.Count > 0) parameters[key] = value.ToString();
        return new MediaStreamTwimlOptions
        {
            Url = WebSocketUrl.FromPublicBase(new Uri(settings.PublicBaseUrl), MediaSocketPath),
            Name = "voice-agent",
            Parameters = parameters,
        };
    }

    /// <summary>
    /// The TwiML for one incoming call: the socket URL built from the public base URL, the configured voice and
    /// speech settings, and the webhook's query-string values (e.g. <c>?customerId=42</c>) as <c>&lt;Parameter&gt;</c>s
    /// so they reach the call's context.
    /// </summary>
    internal static ConversationRelayTwimlOptions RelayTwimlOptions(VoiceAgentSettings settings, AgentOptions agent, HttpRequest request)
    {
        var publicBase = new Uri(settings.PublicBaseUrl);
        var parameters = request.Query
            .Where(q => q.Key.Length > 0)
            .ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        return new ConversationRelayTwimlOptions
        {
            Url = WebSocketUrl.FromPublicBase(publicBase, RelaySocketPath),
            ActionUrl = new Uri(publicBase, RelayActionPath),
            WelcomeGreeting = agent.WelcomeGreeting,
            Language = settings.RelayLanguage,
            Voice = settings.ElevenLabsVoiceId,
            SpeechModel = settings.RelaySpeechModel,
            Interruptible = settings.RelayInterruptible,
            DtmfDetection = settings.RelayDtmfDetection,
            IntelligenceService = settings.RelayIntelligenceService,
            Preemptible = true,
            Parameters = parameters,
        };
    }
}
