using Microsoft.AspNetCore.Http;

namespace VoiceAgent.Telephony.Twilio.Security;

/// <summary>
/// Runs <see cref="TwilioRequestValidator"/> before a route handler; a rejected request gets 403 with a
/// short plain-text reason (413 for a body over the cap) and the handler never runs (so a WebSocket is never accepted).
/// </summary>
internal sealed class TwilioSignatureEndpointFilter(TwilioRequestValidator validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var httpContext = context.HttpContext;
        var reason = await validator.ValidateAsync(httpContext, httpContext.RequestAborted);
        if (reason == TwilioRejectReason.BodyTooLarge)
            return TypedResults.Text(TwilioRequestValidator.Describe(reason), "text/plain; charset=utf-8", statusCode: StatusCodes.Status413PayloadTooLarge);
        if (reason != TwilioRejectReason.None)
            return TypedResults.Text(TwilioRequestValidator.Describe(reason), "text/plain; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
        return await next(context);
    }
}
