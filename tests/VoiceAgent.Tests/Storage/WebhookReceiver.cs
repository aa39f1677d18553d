using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using VoiceAgent.Server;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Storage;

/// <summary>A CRM stand-in on real Kestrel: records every POST and answers with scripted status codes (then 200).</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();
    private readonly Queue<int> _statuses;

    private WebhookReceiver(IEnumerable<int> statuses)
    {
        _statuses = new Queue<int>(statuses);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            int status;
            lock (_statuses) status = _statuses.Count > 0 ? _statuses.Dequeue() : 200;
            await _received.Writer.WriteAsync(new ReceivedWebhook(body.ToArray(), headers, status));
            return Results.StatusCode(status);
        });
    }

    public Uri Url => new(_app.BoundAddress(), "/hook");

    public static async Task<WebhookReceiver> StartAsync(params int[] statuses)
    {
        var receiver = new WebhookReceiver(statuses);
        await receiver._app.StartAsync().DefaultTimeout();
        return receiver;
    }

    public Task<ReceivedWebhook> NextAsync() => _received.Reader.ReadAsync().AsTask().DefaultTimeout(TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().DefaultTimeout();
        await _app.DisposeAsync();
    }
}

internal sealed record ReceivedWebhook(byte[] Body, IReadOnlyDictionary<string, string> Headers, int AnsweredWith);
