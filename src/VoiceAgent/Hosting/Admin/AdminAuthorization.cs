using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace VoiceAgent.Hosting.Admin;

/// <summary>
/// Bearer <c>ADMIN_TOKEN</c> on the admin API. Fails closed: with no token configured every request gets 401; a
/// missing or wrong token gets 401. The comparison takes the same time whatever the guess.
/// </summary>
public static class AdminAuthorization
{
    /// <summary>Requires <c>Authorization: Bearer &lt;ADMIN_TOKEN&gt;</c> on every endpoint of <paramref name="builder"/>.</summary>
    public static TBuilder RequireAdminToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            var settings = context.HttpContext.RequestServices.GetRequiredService<VoiceAgentSettings>();
            if (!IsAuthorized(settings.AdminToken, context.HttpContext.Request.Headers.Authorization.ToString()))
            {
                context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
                return Results.Problem(settings.AdminToken is null ? "The admin API is off: set ADMIN_TOKEN." : "A valid bearer token is required.",
                    statusCode: StatusCodes.Status401Unauthorized);
            }
            return await next(context);
        });
        return builder;
    }

    internal static bool IsAuthorized(string? adminToken, string authorizationHeader)
    {
        if (string.IsNullOrEmpty(adminToken)) return false;
        const string scheme = "Bearer ";
        if (!authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        // Hash both sides so the comparison is constant-time regardless of length.
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorizationHeader[scheme.Length..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(adminToken));
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }
}
