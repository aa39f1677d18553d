using Microsoft.AspNetCore.Http;

namespace VoiceAgent.Telephony.Vonage.Security;

/// <summary>Runs <see cref="VonageWebhookVerifier"/> before a route handler; a refused request gets 401 (413 for an oversized body) and the handler never runs.</summary>
internal sealed class VonageSignatureEndpointFilter(VonageWebhookVerifier verifier) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var httpContext = context.HttpContext;
        var reason = await verifier.VerifyAsync(httpContext, httpContext.RequestAborted);
        if (reason == VonageRejectReason.None) return await next(context);
        var status = reason == VonageRejectReason.BodyTooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status401Unauthorized;
        return TypedResults.Text(VonageWebhookVerifier.Describe(reason), "text/plain; charset=utf-8", statusCode: status);
    }
}
