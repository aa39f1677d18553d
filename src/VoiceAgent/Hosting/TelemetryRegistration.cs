using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using VoiceAgent.Hosting.Admin;
using VoiceAgent.Observability;

namespace VoiceAgent.Hosting;

/// <summary>
/// OpenTelemetry for the server. With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or a per-signal endpoint) set, traces (one span
/// per call, a child per turn, children per hop, plus ASP.NET Core and HttpClient spans) and metrics (the product's
/// instruments, ASP.NET Core, HttpClient and .NET runtime) go out over OTLP; the SDK reads the standard <c>OTEL_*</c>
/// variables (protocol, headers, intervals, sampler, resource). With <c>PROMETHEUS_METRICS=true</c> the same metrics are
/// served at <c>/metrics</c> behind the bearer <c>METRICS_TOKEN</c>. With neither, nothing is registered and the
/// instruments cost nothing.
/// </summary>
internal static class TelemetryRegistration
{
    public const string ServiceName = "voice-agent";
    public const string MetricsPath = "/metrics";

    public static void AddVoiceAgentTelemetry(IServiceCollection services, VoiceAgentSettings settings)
    {
        services.TryAddVoiceAgentTracing();
        var otlp = settings.OtlpEndpoint is not null;
        if (!otlp && !settings.PrometheusMetrics) return;
        var version = typeof(TelemetryRegistration).Assembly.GetName().Version?.ToString(3);
        var telemetry = services.AddOpenTelemetry()
            // Defaults first, then the environment (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES), which wins.
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: version).AddEnvironmentVariableDetector())
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(VoiceAgentMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                if (settings.PrometheusMetrics) metrics.AddPrometheusExporter();
            });
        if (!otlp) return;
        telemetry.WithTracing(tracing => tracing
            .AddSource(VoiceAgentTracing.SourceName)
            // Query strings are redacted by the instrumentation; Twilio's and Vonage's webhooks carry numbers there or in bodies, never recorded.
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation());
        telemetry.UseOtlpExporter();
    }

    private static void TryAddVoiceAgentTracing(this IServiceCollection services)
    {
        if (services.Any(s => s.ServiceType == typeof(VoiceAgentTracing))) return;
        services.AddSingleton<VoiceAgentTracing>();
    }

    /// <summary>
    /// Maps <c>/metrics</c> for Prometheus when <c>PROMETHEUS_METRICS=true</c>: 401 without <c>Authorization: Bearer METRICS_TOKEN</c>;
    /// wrong tokens count per address like the admin API's (<see cref="AdminLoginThrottle"/>).
    /// </summary>
    public static void MapMetricsEndpoint(IEndpointRouteBuilder endpoints, VoiceAgentSettings settings)
    {
        if (!settings.PrometheusMetrics) return;
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            var throttle = context.RequestServices.GetRequiredService<AdminLoginThrottle>();
            if (throttle.RetryAfter(context) is { } wait)
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                await context.Response.WriteAsync(AdminLoginThrottle.TooManyMessage(context, wait));
                return;
            }
            var authorization = context.Request.Headers.Authorization.ToString();
            if (!AdminAuthorization.IsAuthorized(settings.MetricsToken, authorization))
            {
                if (authorization.Length > 0) throttle.Failed(context); // a wrong token is a guess, counted like the admin API's
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                return;
            }
            await next(context);
        }), optionsName: null);
    }
}
