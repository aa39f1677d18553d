using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace VoiceAgent.Telephony.Twilio.Security;

/// <summary>Puts Twilio request validation in front of minimal-API endpoints.</summary>
public static class TwilioSignatureEndpointExtensions
{
    /// <summary>
    /// Requires a valid <c>X-Twilio-Signature</c> (and an allowed AccountSid on webhooks); otherwise
    /// answers 403 before the handler runs. Needs <c>AddTwilioSecurity</c>, and <c>UseWebSockets</c>
    /// for upgrade endpoints. Handlers of <c>bodySHA256</c> (JSON) webhooks must read the body from
    /// <see cref="HttpRequest"/> rather than bind it, because binding consumes it before filters run.
    /// </summary>
    public static TBuilder RequireTwilioSignature<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter<TBuilder, TwilioSignatureEndpointFilter>();
    }
}
