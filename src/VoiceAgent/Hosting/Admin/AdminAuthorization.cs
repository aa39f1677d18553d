using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace VoiceAgent.Hosting.Admin;

/// <summary>
/// Bearer <c>ADMIN_TOKEN</c> on the admin API. Fails closed: with no token configured every request gets 401; a
/// missing or wrong token gets 401. The comparison takes the same time whatever the guess. Wrong tokens are counted per
/// client address (<see cref="AdminLoginThrottle"/>): past the limit the address gets 429 until its window ends.
/// </summary>
public static class AdminAuthorization
{
    /// <summary>Requires <c>Authorization: Bearer &lt;ADMIN_TOKEN&gt;</c> on every endpoint of <paramref name="builder"/>.</summary>
    public static TBuilder RequireAdminToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var settings = http.RequestServices.GetRequiredService<VoiceAgentSettings>();
            var throttle = http.RequestServices.GetRequiredService<AdminLoginThrottle>();
            if (throttle.RetryAfter(http) is { } wait) return AdminLoginThrottle.TooMany(http, wait);
            var authorization = http.Request.Headers.Authorization.ToString();
            if (!IsAuthorized(settings.AdminToken, authorization))
            {
                // A token that was presented and is wrong counts against the address; no header at all is not a guess.
                if (settings.AdminToken is not null && authorization.Length > 0) throttle.Failed(http);
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
