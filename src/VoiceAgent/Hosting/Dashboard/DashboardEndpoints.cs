using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Hosting.Admin;
using VoiceAgent.Observability.Live;
using VoiceAgent.Storage;
using VoiceAgent.Storage.Records;

namespace VoiceAgent.Hosting.Dashboard;

/// <summary>
/// The live dashboard: <c>GET /dashboard</c> (the page, or the login form), <c>POST /dashboard/login</c> and
/// <c>/logout</c>, the page's script and style, and its data: <c>/dashboard/api/snapshot</c>,
/// <c>/dashboard/api/health</c>, <c>/dashboard/api/calls/{sid}/transcript?reason=…</c> (audited, like the admin
/// API) and <c>/dashboard/events</c> (server-sent events). Data needs the session cookie (see
/// <see cref="DashboardSession"/>) or the admin bearer token; everything else gets 401.
/// </summary>
internal static class DashboardEndpoints
{
    public const string Path = "/dashboard";
    public const string EventsPath = "/dashboard/events";
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(15);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, (HttpContext context) => Authorized(context)
            ? Page(context, "dashboard.html", StatusCodes.Status200OK)
            : Page(context, "login.html", StatusCodes.Status401Unauthorized, LoginMessage(context, null)));

        endpoints.MapPost(Path + "/login", async (HttpContext context) =>
        {
            var settings = Settings(context);
            if (string.IsNullOrEmpty(settings.AdminToken))
                return Page(context, "login.html", StatusCodes.Status401Unauthorized, "The dashboard is off: set ADMIN_TOKEN.");
            var throttle = context.RequestServices.GetRequiredService<AdminLoginThrottle>();
            if (throttle.RetryAfter(context) is { } wait)
                return Page(context, "login.html", StatusCodes.Status429TooManyRequests, AdminLoginThrottle.TooManyMessage(context, wait));
            var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
            var token = form?["token"].ToString() ?? "";
            if (!AdminAuthorization.IsAuthorized(settings.AdminToken, "Bearer " + token))
            {
                throttle.Failed(context);
                return Page(context, "login.html", StatusCodes.Status401Unauthorized, "That is not the admin token.");
            }
            var session = DashboardSession.Issue(settings.AdminToken, Clock(context).GetUtcNow())!;
            context.Response.Cookies.Append(DashboardSession.CookieName, session, CookieOptions(context, settings));
            context.Response.Headers.CacheControl = "no-store";
            return Results.Redirect(Path, permanent: false, preserveMethod: false);
        }).DisableAntiforgery();

        endpoints.MapPost(Path + "/logout", (HttpContext context) =>
        {
            context.Response.Cookies.Delete(DashboardSession.CookieName, CookieOptions(context, Settings(context)));
            return Results.Redirect(Path);
        }).DisableAntiforgery();

        // Script and style carry no data: served to anyone, so the login page can use the same style sheet.
        endpoints.MapGet(Path + "/assets/{name}", (HttpContext context, string name) =>
            name is "dashboard.js" or "dashboard.css" ? Page(context, name, StatusCodes.Status200OK) : Results.NotFound());

        var data = endpoints.MapGroup(Path).AddEndpointFilter(async (filterContext, next) =>
        {
            var context = filterContext.HttpContext;
            var throttle = context.RequestServices.GetRequiredService<AdminLoginThrottle>();
            if (throttle.RetryAfter(context) is { } wait)
            {
                SecurityHeaders(context);
                return AdminLoginThrottle.TooMany(context, wait);
            }
            if (Authorized(context)) return await next(filterContext);
            // A bearer token that was presented and is wrong counts like a wrong login (a stale cookie does not: it is not a guess).
            if (!string.IsNullOrEmpty(Settings(context).AdminToken) && context.Request.Headers.Authorization.Count > 0) throttle.Failed(context);
            SecurityHeaders(context);
            return Results.Problem("Log in at /dashboard (or send the admin bearer token).", statusCode: StatusCodes.Status401Unauthorized);
        });

        data.MapGet("/api/snapshot", (HttpContext context, CallMonitor monitor) =>
        {
            SecurityHeaders(context);
            return Results.Json(monitor.Snapshot, DashboardJsonContext.Default.DashboardSnapshot);
        });

        data.MapGet("/api/health", async (HttpContext context, ReadinessProbe probe) =>
        {
            SecurityHeaders(context);
            var report = await probe.CheckAsync(context.RequestAborted);
            return Results.Json(new DashboardHealthView(report.Status, [.. report.Checks.Select(c => new DashboardHealthCheck(c.Name, c.Origin, c.Reachable, c.Error))]),
                DashboardJsonContext.Default.DashboardHealthView);
        });

        data.MapGet("/api/calls/{callSid}/transcript", async (HttpContext context, string callSid) =>
        {
            SecurityHeaders(context);
            var reason = context.Request.Query["reason"].ToString().Trim();
            if (reason.Length == 0) return Results.Problem("Say why: add ?reason=…; it is written to the audit log.", statusCode: StatusCodes.Status400BadRequest);
            if (context.RequestServices.GetService<TranscriptReader>() is not { } reader)
                return Results.Problem("Records are not kept on this server.", statusCode: StatusCodes.Status404NotFound);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(StoreTimeout);
            try
            {
                var record = await reader.ReadAsync(callSid, "dashboard", reason, timeout.Token);
                if (record is null) return Results.Problem($"No transcript is kept for call {callSid} (yet: it is written when the call ends).", statusCode: StatusCodes.Status404NotFound);
                return Results.Json(new DashboardTranscriptView(record.CallSid, record.Transport, record.StartedAt, record.EndedAt,
                    [.. record.Entries.Select(e => new DashboardTranscriptLine(e.At, e.Kind.ToString(), e.Text, e.Interrupted))]),
                    DashboardJsonContext.Default.DashboardTranscriptView);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException
                || (ex is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
            {
                return Results.Problem("The records store is unavailable; nothing was read.", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            catch (CryptographicException ex)
            {
                return Results.Problem($"The transcript cannot be decrypted: {ex.Message}", statusCode: StatusCodes.Status500InternalServerError);
            }
        });

        data.MapGet("/events", async (HttpContext context, CallMonitor monitor) =>
        {
            SecurityHeaders(context);
            await StreamEventsAsync(context, monitor);
            return Results.Empty;
        });
    }

    /// <summary>
    /// Server-sent events: the current snapshot, then every live event as it happens, a comment every 15 s to keep
    /// proxies from closing the stream. This loop only ever waits on its own bounded subscription.
    /// </summary>
    private static async Task StreamEventsAsync(HttpContext context, CallMonitor monitor)
    {
        var ct = context.RequestAborted;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        using var subscription = monitor.Subscribe(); // before the snapshot: an event may come twice, never not at all
        var writer = context.Response.BodyWriter;
        await WriteAsync(context, "retry: 2000\n\nevent: snapshot\ndata: " + JsonSerializer.Serialize(monitor.Snapshot, DashboardJsonContext.Default.DashboardSnapshot) + "\n\n", ct);
        var clock = Clock(context);
        var reader = subscription.Events;
        var waiting = reader.WaitToReadAsync(ct).AsTask();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var heartbeat = Task.Delay(Heartbeat, clock, beat.Token);
                if (await Task.WhenAny(waiting, heartbeat) == heartbeat)
                {
                    await WriteAsync(context, ": keep-alive\n\n", ct);
                    continue;
                }
                await beat.CancelAsync();
                if (!await waiting) break; // the server is stopping
                var batch = new System.Text.StringBuilder();
                while (reader.TryRead(out var @event))
                    batch.Append("data: ").Append(JsonSerializer.Serialize(@event, DashboardJsonContext.Default.LiveCallEvent)).Append("\n\n");
                await WriteAsync(context, batch.ToString(), ct);
                waiting = reader.WaitToReadAsync(ct).AsTask();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The browser went away.
        }
    }

    private static async Task WriteAsync(HttpContext context, string text, CancellationToken ct)
    {
        await context.Response.WriteAsync(text, ct);
        await context.Response.Body.FlushAsync(ct);
    }

    private static bool Authorized(HttpContext context)
    {
        var settings = Settings(context);
        if (DashboardSession.IsValid(settings.AdminToken, context.Request.Cookies[DashboardSession.CookieName], Clock(context).GetUtcNow())) return true;
        // Scripts and curl may use the admin API's bearer token instead.
        return AdminAuthorization.IsAuthorized(settings.AdminToken, context.Request.Headers.Authorization.ToString());
    }

    private static string? LoginMessage(HttpContext context, string? message) =>
        message ?? (string.IsNullOrEmpty(Settings(context).AdminToken) ? "The dashboard is off: set ADMIN_TOKEN." : null);

    private static IResult Page(HttpContext context, string name, int status, string? message = null)
    {
        SecurityHeaders(context);
        var (contentType, text) = DashboardAssets.Get(name);
        if (name == "login.html") text = text.Replace("<!--message-->", message is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(message)}</p>", StringComparison.Ordinal);
        return Results.Text(text, contentType, statusCode: status);
    }

    /// <summary>Only our own script and style, no framing, no caching of data, no referrer.</summary>
    private static void SecurityHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }

    private static CookieOptions CookieOptions(HttpContext context, VoiceAgentSettings settings) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Path = Path,
        // Secure whenever the browser reached us over https (directly or, per PUBLIC_BASE_URL, through a proxy);
        // plain http is left to loopback development.
        Secure = context.Request.IsHttps || (settings.PublicBaseUrl.StartsWith("https:", StringComparison.OrdinalIgnoreCase) && !IsLoopback(context)),
        MaxAge = DashboardSession.Lifetime,
    };

    private static bool IsLoopback(HttpContext context) => context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip);

    private static VoiceAgentSettings Settings(HttpContext context) => context.RequestServices.GetRequiredService<VoiceAgentSettings>();

    private static TimeProvider Clock(HttpContext context) => context.RequestServices.GetRequiredService<TimeProvider>();
}
