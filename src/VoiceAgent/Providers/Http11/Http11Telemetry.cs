using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace VoiceAgent.Providers.Http11;

/// <summary>
/// The HTTP client telemetry SocketsHttpHandler publishes, kept for requests sent by <see cref="Http11Handler"/> so
/// dashboards and exporters (<c>AddHttpClientInstrumentation</c>) see the model requests as before: the
/// <c>http.client.request.duration</c> histogram (until the response head, as the runtime measures it) on the
/// runtime's <c>System.Net.Http</c> meter, and a client span <c>System.Net.Http.HttpRequestOut</c> on its activity
/// source, whose context the request carries (<c>traceparent</c>). Nothing is allocated when nobody listens.
/// </summary>
internal sealed class Http11Telemetry : IDisposable
{
    private const string Name = "System.Net.Http";

    private static readonly object[] StatusCodes = Enumerable.Range(0, 600).Select(code => (object)code).ToArray();

    private readonly Meter _meter = new(Name);
    private readonly ActivitySource _source = new(Name);
    private readonly Histogram<double> _duration;

    public Http11Telemetry()
        => _duration = _meter.CreateHistogram<double>("http.client.request.duration", "s", "Duration of HTTP client requests.");

    /// <summary>The client span of a request, when a listener samples it (null otherwise).</summary>
    public Activity? StartActivity(HttpRequestMessage request)
    {
        if (!_source.HasListeners()) return null;
        var activity = _source.StartActivity("System.Net.Http.HttpRequestOut", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.DisplayName = request.Method.Method;
            activity.SetTag("http.request.method", request.Method.Method);
            activity.SetTag("server.address", request.RequestUri!.Host);
            activity.SetTag("server.port", request.RequestUri.Port);
            activity.SetTag("url.full", request.RequestUri.GetLeftPart(UriPartial.Path));
        }
        return activity;
    }

    /// <summary>Records a request that ended (with a status, or failed with <paramref name="error"/>).</summary>
    public void Stop(HttpRequestMessage request, Activity? activity, long startedAt, int? status, Exception? error)
    {
        if (activity is not null)
        {
            if (status is { } code) activity.SetTag("http.response.status_code", StatusCodes[Math.Clamp(code, 0, 599)]);
            if (error is not null)
            {
                activity.SetTag("error.type", error.GetType().FullName);
                activity.SetStatus(ActivityStatusCode.Error);
            }
            activity.Stop();
        }
        if (!_duration.Enabled) return;
        var uri = request.RequestUri!;
        var tags = new TagList
        {
            { "http.request.method", request.Method.Method },
            { "server.address", uri.Host },
            { "server.port", uri.Port },
            { "url.scheme", uri.Scheme },
            { "network.protocol.version", "1.1" },
        };
        if (status is { } statusCode) tags.Add("http.response.status_code", StatusCodes[Math.Clamp(statusCode, 0, 599)]);
        if (error is not null) tags.Add("error.type", error.GetType().FullName);
        _duration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tags);
    }

    public void Dispose()
    {
        _meter.Dispose();
        _source.Dispose();
    }
}
