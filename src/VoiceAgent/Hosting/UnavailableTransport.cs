using VoiceAgent.Observability;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Twilio.TwiML;

namespace VoiceAgent.Hosting;

/// <summary>
/// The clear answer a transport gives when its providers are not configured: a log line naming the missing
/// settings, and to the carrier a spoken apology and hang-up (TwiML <c>&lt;Say&gt;&lt;Hangup/&gt;</c>, a Vonage
/// <c>talk</c> NCCO) or, on a socket, a close with the policy-violation code. Never a faked conversation.
/// </summary>
internal static partial class UnavailableTransport
{
    /// <summary>What the caller hears.</summary>
    public const string Apology = "Sorry, this line is not available right now. Goodbye.";

    /// <summary>The WebSocket close description (at most 123 bytes).</summary>
    public const string CloseReason = "transport not configured on this server";

    public static IResult Twiml(ILogger logger, string transport, IReadOnlyList<string> missing)
    {
        LogRefused(logger, transport, string.Join(", ", missing));
        var twiml = TwimlWriter.Write(Apology, static (writer, apology) =>
        {
            writer.WriteElementString("Say", apology);
            writer.WriteStartElement("Hangup");
            writer.WriteEndElement();
        });
        return Results.Text(twiml, "application/xml");
    }

    public static IResult Ncco(ILogger logger, string transport, IReadOnlyList<string> missing)
    {
        LogRefused(logger, transport, string.Join(", ", missing));
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartArray();
            json.WriteStartObject();
            json.WriteString("action", "talk");
            json.WriteString("text", Apology);
            json.WriteEndObject();
            json.WriteEndArray();
        }
        return Results.Bytes(stream.ToArray(), "application/json");
    }

    public static async Task<IResult> CloseAsync(HttpContext context, ILogger logger, string transport, IReadOnlyList<string> missing)
    {
        LogRefused(logger, transport, string.Join(", ", missing));
        if (!context.WebSockets.IsWebSocketRequest) return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, CloseReason, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            LogCloseFailed(logger, transport, ex.GetType().Name);
        }
        return Results.Empty;
    }

    [LoggerMessage(EventId = EventIds.TransportRefused, Level = LogLevel.Error, Message = "Refused a {Transport} call: this transport is not configured (missing {Missing}). Set them, or USE_EMULATORS=true for local testing.")]
    private static partial void LogRefused(ILogger logger, string transport, string missing);

    [LoggerMessage(EventId = EventIds.RefusedSocketGone, Level = LogLevel.Debug, Message = "Refused {Transport} socket went away before the close handshake ({ExceptionType})")]
    private static partial void LogCloseFailed(ILogger logger, string transport, string exceptionType);
}
