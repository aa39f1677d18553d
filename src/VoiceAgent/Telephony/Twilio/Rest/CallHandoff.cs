using System.Text.Json;
using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;
using VoiceAgent.Telephony.Twilio.TwiML;

namespace VoiceAgent.Telephony.Twilio.Rest;

/// <summary>
/// Hands an audio-path call to a person. ConversationRelay does this through <c>handoffData</c> and the
/// <c>&lt;Connect action&gt;</c> callback; a media stream has no such channel, so the live call is redirected over REST to
/// <c>&lt;Dial&gt;</c> the configured number. Returns false when no transfer is configured or the hand-off data does not
/// ask for a person, so the caller of this hangs up instead.
/// </summary>
internal sealed partial class CallHandoff(TwilioRestClient? rest, string? transferNumber, ILogger<CallHandoff> logger)
{
    public async Task<bool> TryTransferAsync(string callSid, string? handoffData, CancellationToken cancellationToken)
    {
        if (rest is null || transferNumber is null || !AsksForPerson(handoffData)) return false;
        try
        {
            await rest.UpdateCallTwimlAsync(callSid, DialTwiml.Build(transferNumber), cancellationToken);
            LogTransferred(logger, callSid);
            return true;
        }
        catch (Exception ex) when (ex is TwilioRestException or HttpRequestException or TaskCanceledException)
        {
            LogTransferFailed(logger, callSid, LogValues.MaskPhoneNumbers(ex.Message));
            return false;
        }
    }

    private static bool AsksForPerson(string? handoffData)
    {
        if (handoffData is null) return false;
        try
        {
            using var doc = JsonDocument.Parse(handoffData);
            return doc.RootElement.TryGetProperty("reasonCode", out var code) && code.GetString() == ConnectActionReply.LiveAgentHandoff;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 2110, Level = LogLevel.Information, Message = "Call {CallId}: redirected to a person over Twilio REST")]
    private static partial void LogTransferred(ILogger logger, string callId);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Warning, Message = "Call {CallId}: transfer over Twilio REST failed ({Reason}); hanging up instead")]
    private static partial void LogTransferFailed(ILogger logger, string callId, string reason);
}
