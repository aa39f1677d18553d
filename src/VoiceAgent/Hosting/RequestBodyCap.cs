using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace VoiceAgent.Hosting;

/// <summary>
/// Caps every request body at <see cref="VoiceAgentSettings.MaxRequestBodyBytes"/>. A declared length over the
/// cap is answered 413 before a byte of the body is read; a chunked body is cut by Kestrel's per-request limit
/// (set here too) the moment it passes the cap, and the reader (form parser, signature filter) answers 413.
/// </summary>
public static class RequestBodyCap
{
    public static IApplicationBuilder UseRequestBodyCap(this IApplicationBuilder app, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        return app.Use(async (context, next) =>
        {
            if (!context.WebSockets.IsWebSocketRequest && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = maxBytes;
            if (context.Request.ContentLength > maxBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("request body too large", context.RequestAborted);
                return;
            }
            await next(context);
        });
    }
}
