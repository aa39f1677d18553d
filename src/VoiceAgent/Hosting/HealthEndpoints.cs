using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace VoiceAgent.Hosting;

/// <summary><c>/healthz</c> (liveness) and <c>/readyz</c> (the configured providers answer).</summary>
internal static class HealthEndpoints
{
    private static readonly long StartedAt = Stopwatch.GetTimestamp();

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => TypedResults.Ok(new HealthReport(
            "voiceagent",
            typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0",
            Math.Round(Stopwatch.GetElapsedTime(StartedAt).TotalSeconds, 1))));

        endpoints.MapGet("/readyz", async (ReadinessProbe probe, CancellationToken ct) =>
        {
            var report = await probe.CheckAsync(ct);
            return report.Ready ? Results.Ok(report) : Results.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
    }
}

internal sealed record HealthReport(string Name, string Version, double UptimeSeconds);
