using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Hosting.Admin;
using VoiceAgent.Storage.Sessions;
using VoiceAgent.Telephony.ConversationRelay;
using VoiceAgent.Telephony.MediaStreams;
using VoiceAgent.Telephony.Vonage;
using VoiceAgent.Telephony.Vonage.Ncco;
using VoiceAgent.Telephony.Vonage.Security;
using VoiceAgent.Telephony.Twilio.Security;
using VoiceAgent.Telephony.Twilio.Transfer;
using VoiceAgent.Telephony.Twilio.TwiML;

namespace VoiceAgent.Hosting;

/// <summary>Maps the endpoints in CONTRACT.md. Handlers are thin; the logic lives in the library.</summary>
public static class VoiceAgentEndpointRouteBuilderExtensions
{
    public const string RelayTwimlPath = "/twiml/relay";
    public const string RelayActionPath = "/twiml/relay/action";
    public const string RelaySocketPath = "/ws/relay";
    public const string StreamTwimlPath = "/twiml/stream";
    public const string StreamResumePath = "/twiml/stream/resume";
    public const string MediaSocketPath = "/ws/media";
    public const string VonageAnswerPath = "/vonage/answer";
    public const string VonageEventPath = "/vonage/event";
    public const string VonageSocketPath = "/ws/vonage";
    private static readonly string[] VonageForwardedQuery = ["from", "to", "locale"];
    private static readonly string[] StreamForwardedForm = ["From", "To"];

    public static IEndpointRouteBuilder MapVoiceAgent(this IEndpointRouteBuilder endpoints)
    {
        HealthEndpoints.Map(endpoints);
        TelemetryRegistration.MapMetricsEndpoint(endpoints, endpoints.ServiceProvider.GetRequiredService<VoiceAgentSettings>());
        var admin = endpoints.MapGroup("/admin").RequireAdminToken(); // bearer ADMIN_TOKEN on everything under /admin
        AdminRecordsEndpoints.Map(admin);
        Dashboard.DashboardEndpoints.Map(endpoints);
        AdminOutboundEndpoints.Map(admin);
        OutboundEndpoints.Map(endpoints);

        endpoints.MapPost(RelayTwimlPath, async (HttpRequest request, VoiceAgentSettings settings, AgentOptions agent, TransportAvailability available, SessionPersistence sessions, ILoggerFactory logs) =>
        {
            if (!available.Relay) return UnavailableTransport.Twiml(Logger(logs), "ConversationRelay", available.RelayMissing);
            var ct = request.HttpContext.RequestAborted;
            var form = request.HasFormContentType ? await request.ReadFormAsync(ct) : null;
            var options = RelayTwimlOptions(settings, agent, request);
            // A caller ringing back within the call-back window is offered to continue (the socket's session finds the same call).
            if (form is not null && await sessions.FindCallbackAsync(form["From"].ToString(), form["CallSid"].ToString(), ct) is not null)
                options = options with { WelcomeGreeting = agent.CallbackGreeting };
            return Results.Text(ConversationRelayTwiml.Build(options), "application/xml");
        }).RequireTwilioSignature();

        endpoints.MapPost(RelayActionPath, async (HttpRequest request, VoiceAgentSettings settings, AgentOptions agent, SessionPersistence sessions, WarmTransfer transfer) =>
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            var callback = ConnectActionCallback.FromForm(form);
            if (await ResumableAsync(callback, sessions, request.HttpContext.RequestAborted) is { } snapshot)
            {
                // The socket dropped (an instance died or was drained) and the call is still up: connect again, on any instance.
                var resume = RelayTwimlOptions(settings, agent, snapshot.Parameters) with { WelcomeGreeting = agent.ReconnectLine };
                return Results.Text(ConversationRelayTwiml.Build(resume), "application/xml");
            }
            // A hand-off to a person: the warm transfer (conference with hold audio, the agent briefed before joining).
            if (callback.CallSid is { } callSid && transfer.CanDial && TransferBrief.FromHandoffData(callback.HandoffData) is { } brief)
                return Results.Text(await transfer.AnswerRelayHandoffAsync(callSid, callback.To, brief, request.HttpContext.RequestAborted), "application/xml");
            var reply = ConnectActionReply.Build(callback, new ConnectActionReplyOptions { DefaultTransferNumber = settings.TransferNumber });
            return Results.Text(reply, "application/xml");
        }).RequireTwilioSignature();

        AdminCallsEndpoint.Map(endpoints);
        TransferEndpoints.Map(endpoints);
        Telephony.Vonage.Transfer.VonageTransferEndpoints.Map(endpoints);

        // Socket handlers are resolved only once their transport is known to be configured (their providers need keys).
        endpoints.Map(RelaySocketPath, async (HttpContext context, TransportAvailability available, ILoggerFactory logs) =>
        {
            if (!context.WebSockets.IsWebSocketRequest) return Results.BadRequest("ConversationRelay connects here with a WebSocket upgrade.");
            if (!available.Relay) return await UnavailableTransport.CloseAsync(context, Logger(logs), "ConversationRelay", available.RelayMissing);
            await context.RequestServices.GetRequiredService<RelayConnectionHandler>().HandleAsync(context);
            return Results.Empty;
        }).RequireTwilioSignature();

        endpoints.MapPost(StreamTwimlPath, async (HttpRequest request, VoiceAgentSettings settings, TransportAvailability available, ILoggerFactory logs) =>
        {
            if (!available.Audio) return UnavailableTransport.Twiml(Logger(logs), "Media Streams", available.AudioMissing);
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            return Results.Text(MediaStreamTwiml.Build(StreamTwimlOptions(settings, request, form)), "application/xml");
        }).RequireTwilioSignature();

        endpoints.MapPost(StreamResumePath, async (HttpRequest request, VoiceAgentSettings settings, SessionPersistence sessions, WarmTransfer transfer) =>
        {
            // Twilio runs the <Redirect> after <Connect><Stream> when the stream ended with the call still up.
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            var callback = ConnectActionCallback.FromForm(form);
            // A hand-off whose move into the conference failed over REST: the caller is offered voicemail, not dropped.
            if (callback.CallSid is { } failedSid && transfer.TakeFailedRedirect(failedSid))
                return Results.Text(ConferenceTwiml.Voicemail(transfer.Options), "application/xml");
            if (await ResumableAsync(callback, sessions, request.HttpContext.RequestAborted) is { } snapshot)
            {
                var resume = StreamTwimlOptions(settings, snapshot.Parameters);
                return Results.Text(MediaStreamTwiml.Build(resume), "application/xml");
            }
            return Results.Text(ConnectActionReply.Build(new ConnectActionCallback(), new ConnectActionReplyOptions()), "application/xml");
        }).RequireTwilioSignature();

        endpoints.Map(MediaSocketPath, async (HttpContext context, TransportAvailability available, ILoggerFactory logs) =>
        {
            if (!context.WebSockets.IsWebSocketRequest) return Results.BadRequest("Media Streams connects here with a WebSocket upgrade.");
            if (!available.Audio) return await UnavailableTransport.CloseAsync(context, Logger(logs), "Media Streams", available.AudioMissing);
            await context.RequestServices.GetRequiredService<MediaStreamsConnectionHandler>().HandleAsync(context);
            return Results.Empty;
        }).RequireTwilioSignature();

        endpoints.MapGet(VonageAnswerPath, (HttpRequest request, VoiceAgentSettings settings, VonageCallAuthenticator authenticator, TransportAvailability available, ILoggerFactory logs) =>
        {
            if (!available.Audio) return UnavailableTransport.Ncco(Logger(logs), "Vonage", available.AudioMissing);
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
        }).RequireVonageSignature();

        endpoints.MapMethods(VonageEventPath, [HttpMethods.Get, HttpMethods.Post], async (HttpRequest request, ILoggerFactory logs, Telephony.Vonage.Transfer.VonageWarmTransfer transfer) =>
        {
            var callEvent = await VonageCallEvent.ReadAsync(request, request.HttpContext.RequestAborted);
            if (callEvent is null || !callEvent.Record(logs.CreateLogger("VoiceAgent.Telephony.Vonage.Events")))
                return Results.BadRequest("A Vonage event carries a uuid and a status.");
            // A caller hanging up while the agent's phone rings in a warm transfer: that leg is hung up too.
            await transfer.OnCallEventAsync(callEvent.Uuid!, callEvent.Status, request.HttpContext.RequestAborted);
            return Results.NoContent();
        }).RequireVonageSignature();

        endpoints.Map(VonageSocketPath, async (HttpContext context, TransportAvailability available, ILoggerFactory logs) =>
        {
            if (!context.WebSockets.IsWebSocketRequest) return Results.BadRequest("Vonage connects here with a WebSocket upgrade.");
            if (!available.Audio) return await UnavailableTransport.CloseAsync(context, Logger(logs), "Vonage", available.AudioMissing);
            await context.RequestServices.GetRequiredService<VonageConnectionHandler>().HandleAsync(context);
            return Results.Empty;
        });

        return endpoints;
    }

    private static ILogger Logger(ILoggerFactory logs) => logs.CreateLogger("VoiceAgent.Transports");

    /// <summary>
    /// <c>&lt;Connect&gt;&lt;Stream&gt;</c> for one incoming call. The stream URL takes no query string (Twilio drops it), so
    /// the caller's number and the webhook's query values travel as <c>&lt;Parameter&gt;</c>s: the locale is chosen from them.
    /// </summary>
    internal static MediaStreamTwimlOptions StreamTwimlOptions(VoiceAgentSettings settings, HttpRequest request, IFormCollection form)
    {
        var parameters = request.Query.Where(q => q.Key.Length > 0).ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        foreach (var key in StreamForwardedForm)
            if (form.TryGetValue(key, out var value) && value.Count > 0) parameters[key] = value.ToString();
        return StreamTwimlOptions(settings, parameters);
    }

    /// <summary>The stream TwiML with a <c>&lt;Redirect&gt;</c> to the resume endpoint, so a dropped stream can come back on any instance.</summary>
    internal static MediaStreamTwimlOptions StreamTwimlOptions(VoiceAgentSettings settings, IReadOnlyDictionary<string, string> parameters) => new()
    {
        Url = WebSocketUrl.FromPublicBase(new Uri(settings.PublicBaseUrl), MediaSocketPath),
        Name = "voice-agent",
        Parameters = parameters,
        RedirectUrl = new Uri(new Uri(settings.PublicBaseUrl), StreamResumePath),
    };

    /// <summary>
    /// The TwiML for one incoming call: the socket URL built from the public base URL, the configured voice and
    /// speech settings, and the webhook's query-string values (e.g. <c>?customerId=42</c>) as <c>&lt;Parameter&gt;</c>s
    /// so they reach the call's context.
    /// </summary>
    internal static ConversationRelayTwimlOptions RelayTwimlOptions(VoiceAgentSettings settings, AgentOptions agent, HttpRequest request)
        => RelayTwimlOptions(settings, agent, request.Query.Where(q => q.Key.Length > 0).ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal));

    /// <summary>
    /// The call's live state when the <c>&lt;Connect action&gt;</c> callback means "the socket dropped, the call is still up":
    /// no hand-off data, the call still in progress, and a state in the store that did not end normally. A call that ended
    /// (hang-up, end_call, hand-off) is never resumed.
    /// </summary>
    private static async Task<SessionSnapshot?> ResumableAsync(ConnectActionCallback callback, SessionPersistence sessions, CancellationToken ct)
    {
        if (callback.HandoffData is not null || callback.CallSid is null) return null;
        if (callback.CallStatus is { } status && !string.Equals(status, "in-progress", StringComparison.OrdinalIgnoreCase)) return null;
        return await sessions.FindResumableAsync(callback.CallSid, ct);
    }

    internal static ConversationRelayTwimlOptions RelayTwimlOptions(VoiceAgentSettings settings, AgentOptions agent, IReadOnlyDictionary<string, string> parameters)
    {
        var publicBase = new Uri(settings.PublicBaseUrl);
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
