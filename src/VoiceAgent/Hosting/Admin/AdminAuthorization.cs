using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace VoiceAgent.Hosting.Admin;

/// <summary>
/// Bearer <c>ADMIN_TOKEN</c> on a route group: <c>endpoints.MapGroup("/admin").RequireAdminToken()</c>. Fails
/// closed: with no token configured, or a missing or wrong one, every request gets 401. Compared in constant
/// time (over SHA-256 digests, so the token's length does not leak either).
/// </summary>
public static class AdminAuthorization
{
    public static RouteGroupBuilder RequireAdminToken(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var settings = context.HttpContext.RequestServices.GetRequiredService<VoiceAgentSettings>();
            if (!IsAuthorized(settings.AdminToken, context.HttpContext.Request.Headers.Authorization.ToString()))
            {
                context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer realm=\"voiceagent-admin\"";
                return Results.Problem(
                    settings.AdminToken is null ? "The admin API is disabled: set ADMIN_TOKEN." : "Send Authorization: Bearer <ADMIN_TOKEN>.",
                    statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
            }
            return await next(context);
        });
        return group;
    }

    internal static bool IsAuthorized(string? configuredToken, string authorizationHeader)
    {
        if (configuredToken is null) return false;
        const string scheme = "Bearer ";
        if (!authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorizationHeader[scheme.Length..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(configuredToken));
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }
}
