using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace VoiceAgent.Telephony.Vonage.Security;

/// <summary>Puts Vonage signed-webhook verification in front of minimal-API endpoints.</summary>
public static class VonageSignatureEndpointExtensions
{
    /// <summary>
    /// Requires a valid Vonage webhook JWT (HS256 with the signature secret, fresh <c>iat</c>, unused <c>jti</c>,
    /// matching <c>payload_hash</c>); otherwise answers 401 before the handler runs. Handlers must read the body
    /// from <see cref="HttpRequest"/> rather than bind it.
    /// </summary>
    public static TBuilder RequireVonageSignature<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter<TBuilder, VonageSignatureEndpointFilter>();
    }
}
