using System.Collections.Concurrent;
using System.IO.Compression;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Trace.V1;
using Resource = OpenTelemetry.Proto.Resource.V1.Resource;
using VoiceAgent.Server;

namespace VoiceAgent.Tests.TestSupport.Otlp;

/// <summary>
/// A real OTLP/HTTP receiver (binary protobuf, as an OpenTelemetry Collector's <c>otlp</c> receiver accepts it) on
/// 127.0.0.1: <c>POST /v1/traces</c> and <c>POST /v1/metrics</c> bodies (plain or gzip) are decoded with Google.Protobuf
/// against the official opentelemetry-proto messages and kept for the test to read. Anything it cannot decode is
/// answered 400 and counted, so a wrong wire format fails the test instead of passing silently.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(Resource Resource, Span Span)> _spans = new();
    private readonly ConcurrentQueue<Metric> _metrics = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private int _rejected;

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>The base URL to give <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (the SDK appends <c>/v1/traces</c>, <c>/v1/metrics</c>).</summary>
    public Uri Endpoint => _app.BoundAddress();

    public int Rejected => Volatile.Read(ref _rejected);
    public IReadOnlyList<(Resource Resource, Span Span)> Spans => [.. _spans];
    public IReadOnlyList<Metric> Metrics => [.. _metrics];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", context => receiver.ReceiveAsync(context, ExportTraceServiceRequest.Parser, request =>
        {
            foreach (var resourceSpans in request.ResourceSpans)
                foreach (var scope in resourceSpans.ScopeSpans)
                    foreach (var span in scope.Spans) receiver._spans.Enqueue((resourceSpans.Resource, span));
        }, new ExportTraceServiceResponse()));
        app.MapPost("/v1/metrics", context => receiver.ReceiveAsync(context, ExportMetricsServiceRequest.Parser, request =>
        {
            foreach (var resourceMetrics in request.ResourceMetrics)
                foreach (var scope in resourceMetrics.ScopeMetrics)
                    foreach (var metric in scope.Metrics) receiver._metrics.Enqueue(metric);
        }, new ExportMetricsServiceResponse()));
        await app.StartAsync();
        return receiver;
    }

    private async Task ReceiveAsync<T>(HttpContext context, MessageParser<T> parser, Action<T> keep, IMessage response) where T : IMessage<T>
    {
        using var body = new MemoryStream();
        var source = context.Request.Headers.ContentEncoding.ToString().Equals("gzip", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(context.Request.Body, CompressionMode.Decompress) : context.Request.Body;
        await using (source) await source.CopyToAsync(body);
        T request;
        try
        {
            if (!(context.Request.ContentType?.StartsWith("application/x-protobuf", StringComparison.Ordinal) ?? false))
                throw new InvalidDataException($"content type '{context.Request.ContentType}' is not application/x-protobuf");
            request = parser.ParseFrom(body.ToArray());
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidDataException)
        {
            Interlocked.Increment(ref _rejected);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        keep(request);
        _arrived.Release();
        context.Response.ContentType = "application/x-protobuf";
        await context.Response.Body.WriteAsync(response.ToByteArray());
    }

    /// <summary>Waits (up to <paramref name="timeout"/>, default 20 s) until <paramref name="ready"/> holds for what arrived.</summary>
    public async Task WaitUntilAsync(Func<OtlpReceiver, bool> ready, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (!ready(this))
        {
            try
            {
                await _arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"OTLP receiver: {what} did not arrive ({Spans.Count} spans, {Metrics.Count} metrics, {Rejected} rejected requests)");
            }
        }
    }

    /// <summary>Every string an attribute carries (span, event and resource attributes), for leak checks.</summary>
    public static IEnumerable<string> AttributeStrings(IEnumerable<KeyValue> attributes)
    {
        foreach (var attribute in attributes)
        {
            yield return attribute.Key;
            if (attribute.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue) yield return attribute.Value.StringValue;
            else if (attribute.Value is not null) yield return attribute.Value.ToString();
        }
    }

    public static AnyValue? Attribute(Span span, string key) => span.Attributes.FirstOrDefault(a => a.Key == key)?.Value;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
    }
}
