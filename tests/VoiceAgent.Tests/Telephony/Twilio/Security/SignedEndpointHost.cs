using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceAgent.Telephony.Twilio.Security;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Telephony.Twilio.Security;

/// <summary>
/// A minimal app on real Kestrel (127.0.0.1, ephemeral port) whose routes require Twilio signatures.
/// Its public base URL is a fictitious https host, so a signature only validates if the URL is rebuilt
/// from configuration rather than from the Host header the test client sends.
/// </summary>
internal sealed class SignedEndpointHost : IAsyncDisposable
{
    public const string PublicBase = "https://voice.example.com";
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "test-auth-token";

    private readonly WebApplication _app;
    private int _webhookCalls;
    private int _socketsAccepted;

    private SignedEndpointHost(WebApplication app, CapturedLogs logs)
    {
        _app = app;
        Logs = logs;
    }

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1:0");
    public CapturedLogs Logs { get; }
    public int WebhookCalls => Volatile.Read(ref _webhookCalls);
    public int SocketsAccepted => Volatile.Read(ref _socketsAccepted);

    public static TwilioSecurityOptions DefaultOptions => new()
    {
        PublicBaseUrl = new Uri(PublicBase),
        AccountSid = AccountSid,
        AuthToken = AuthToken,
    };

    public static async Task<SignedEndpointHost> StartAsync(TwilioSecurityOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddTwilioSecurity(options);

        var app = builder.Build();
        var host = new SignedEndpointHost(app, logs);
        app.UseWebSockets();

        app.MapPost("/twilio/hook", (HttpRequest request) =>
        {
            Interlocked.Increment(ref host._webhookCalls);
            return TypedResults.Text("ok:" + request.Form["CallSid"]);
        }).RequireTwilioSignature();

        app.MapPost("/twilio/events", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            Interlocked.Increment(ref host._webhookCalls);
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            return TypedResults.Text(await reader.ReadToEndAsync(cancellationToken));
        }).RequireTwilioSignature();

        // RequestDelegate shape, as a host would naturally write a WebSocket endpoint.
        app.Map("/ws/relay", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            Interlocked.Increment(ref host._socketsAccepted);
            await socket.SendAsync("hello"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
        }).RequireTwilioSignature();

        await app.StartAsync().DefaultTimeout();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.BaseUrl = new Uri(address);
        return host;
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseUrl };

    /// <summary><c>ws://127.0.0.1:{port}{path}</c>: where the test actually connects.</summary>
    public Uri LocalWebSocketUrl(string path) => new($"ws://{BaseUrl.Authority}{path}");

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try { await _app.StopAsync(cts.Token); } catch (OperationCanceledException) { }
        await _app.DisposeAsync();
    }
}
