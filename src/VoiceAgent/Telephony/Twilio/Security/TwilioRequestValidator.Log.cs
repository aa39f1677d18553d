using Microsoft.Extensions.Logging;

namespace VoiceAgent.Telephony.Twilio.Security;

internal sealed partial class TwilioRequestValidator
{
    // Event ids 2100–2119 belong to Twilio request security. Never log the auth token or a signature value.
    private static partial class Log
    {
        [LoggerMessage(EventId = 2100, EventName = "TwilioRequestRejected", Level = LogLevel.Warning,
            Message = "Rejected Twilio request to {Path}: {Reason}")]
        public static partial void RequestRejected(ILogger logger, string path, string reason);

        [LoggerMessage(EventId = 2101, EventName = "TwilioAccountRejected", Level = LogLevel.Warning,
            Message = "Refused a Twilio call: its AccountSid is not on the allow-list")]
        public static partial void AccountRejected(ILogger logger);

        [LoggerMessage(EventId = 2102, EventName = "TwilioAuthTokenNotConfigured", Level = LogLevel.Warning,
            Message = "TWILIO_AUTH_TOKEN is not set: every Twilio webhook and WebSocket will be rejected")]
        public static partial void AuthTokenNotConfigured(ILogger logger);

        [LoggerMessage(EventId = 2103, EventName = "TwilioSignatureBypassed", Level = LogLevel.Warning,
            Message = "Twilio signature validation is bypassed (DEV_BYPASS_SIGNATURE, Development only)")]
        public static partial void SignatureBypassEnabled(ILogger logger);
    }
}
