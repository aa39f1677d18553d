using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VoiceAgent.Emulators.Hosting;

namespace VoiceAgent.Emulators.Deepgram;

/// <summary>
/// A local stand-in for Deepgram live transcription (<c>/v1/listen</c>). It checks <c>Authorization: Token</c>,
/// records each connection's query, decodes mulaw or linear16 audio and finds speech with an energy
/// detector, answering with SpeechStarted, interim and final Results and UtteranceEnd as Deepgram would.
/// Transcript text comes from <see cref="EnqueueTranscript"/>, one entry per detected segment, or, for the audio that
/// arrives while a <see cref="HearWhile"/> window is open, from that window whatever the number of segments; with
/// neither a segment is transcribed as <c>"emulated speech 1.4 seconds"</c>. Faults and latency are injectable.
/// </summary>
public sealed class DeepgramEmulator : EmulatorHost
{
    /// <summary>The API key the emulator accepts unless another is given.</summary>
    public const string DefaultApiKey = "emulator-deepgram-key";

    /// <summary>Confidence of segments transcribed with the default text.</summary>
    public const double DefaultConfidence = 0.98;

    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<ScriptedTranscript> _script = new();
    private readonly ConcurrentQueue<byte[]> _injected = new();
    private readonly ConcurrentQueue<int> _rejections = new();
    private readonly ConcurrentQueue<DeepgramEmulatorConnection> _connections = new();
    private readonly ConcurrentDictionary<int, DeepgramEmulatorSession> _active = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DropPlan? _nextDrop;
    private DeepgramHearingWindow? _window;
    private long _resultLatencyTicks;
    private int _upgradeRequests;
    private int _connectionsAccepted;
    private int _upgradesRejected;
    private int _keepAlives;
    private int _finalizes;
    private int _closeStreams;

    /// <param name="apiKey">The only key accepted in <c>Authorization: Token &lt;key&gt;</c>.</param>
    /// <param name="timeProvider">Clock for the idle timeout, result latency and timed drops.</param>
    public DeepgramEmulator(string apiKey = DefaultApiKey, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        ApiKey = apiKey;
        _time = timeProvider ?? TimeProvider.System;
    }

    public string ApiKey { get; }

    /// <summary>Frame RMS (16-bit scale) above which a 20 ms frame counts as speech.</summary>
    public double SpeechRmsThreshold { get; init; } = 300;

    /// <summary>Loud 20 ms frames in a row that make a speech onset.</summary>
    public int SpeechOnsetFrames { get; init; } = 3;

    /// <summary>A socket that receives no frame for this long is closed with 1011 <c>NET-0001</c> (Deepgram: 10 s).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Stream time between interim results while speech goes on.</summary>
    public TimeSpan InterimInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A pause of this much quiet inside a segment (shorter than the endpoint) finalizes the words so far: an
    /// <c>is_final</c> result without <c>speech_final</c>, as Deepgram sends when it is sure of words before it detects
    /// the endpoint ("send a definitive, or final, transcript of all audio up to that point. It will then continue to
    /// process audio"). If the caller goes on, the next scripted transcript is what they say; if not, the endpoint's
    /// <c>speech_final</c> result has an empty transcript. Null (default): finals come only with the endpoint.
    /// </summary>
    public TimeSpan? FinalizeAfterQuiet { get; init; }

    internal string ModelUuid { get; } = Guid.NewGuid().ToString();

    // ---- script -------------------------------------------------------------------------------

    /// <summary>Queues the transcript of the next detected speech segment (any connection).</summary>
    public void EnqueueTranscript(string text, double confidence = DefaultConfidence)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(confidence, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(confidence, 1);
        _script.Enqueue(new ScriptedTranscript(text, confidence));
    }

    /// <summary>
    /// Until the returned window is disposed, every speech segment that starts (any connection) is heard as
    /// <paramref name="text"/>: a script keyed by when the audio arrived rather than by how many segments the
    /// endpointing makes of it (e.g. the agent's own voice echoing back on the caller's line, then the caller's words
    /// after the window). Queued transcripts wait for the segments after it; a segment whose speech goes on past the
    /// close takes the next of them. A new window replaces an open one.
    /// </summary>
    public DeepgramHearingWindow HearWhile(string text, double confidence = DefaultConfidence)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(confidence, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(confidence, 1);
        var window = new DeepgramHearingWindow(this, new ScriptedTranscript(text, confidence));
        Interlocked.Exchange(ref _window, window)?.MarkClosed(_time.GetTimestamp());
        return window;
    }

    /// <summary>Scripted transcripts not yet used.</summary>
    public int PendingTranscripts => _script.Count;

    // ---- faults and latency -------------------------------------------------------------------

    /// <summary>Delay between detecting something and sending the message about it.</summary>
    public TimeSpan ResultLatency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _resultLatencyTicks));
        set => Interlocked.Exchange(ref _resultLatencyTicks, Math.Max(0, value.Ticks));
    }

    /// <summary>The next accepted connection has its TCP connection dropped (no close frame) this long after the upgrade.</summary>
    public void DropNextConnectionAfter(TimeSpan delay) => Volatile.Write(ref _nextDrop, new DropPlan(delay, null));

    /// <summary>The next accepted connection is dropped right after it has received this many audio frames.</summary>
    public void DropNextConnectionAfter(int audioFrames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(audioFrames);
        Volatile.Write(ref _nextDrop, new DropPlan(null, audioFrames));
    }

    /// <summary>Drops every open connection now (no close frame).</summary>
    public void DropActiveConnections()
    {
        foreach (var session in _active.Values) session.Drop();
    }

    /// <summary>The next <paramref name="count"/> upgrade requests (with a valid key) are refused with <paramref name="statusCode"/> (e.g. 429 or 500).</summary>
    public void RejectNextUpgrade(int statusCode = 429, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        for (var i = 0; i < count; i++) _rejections.Enqueue(statusCode);
    }

    /// <summary>Sends <paramref name="text"/> verbatim as a text frame right before the next Results message (e.g. malformed JSON).</summary>
    public void InjectTextBeforeNextResult(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _injected.Enqueue(System.Text.Encoding.UTF8.GetBytes(text));
    }

    // ---- counters -----------------------------------------------------------------------------

    /// <summary>Requests to <c>/v1/listen</c>, accepted or not.</summary>
    public int UpgradeRequests => Volatile.Read(ref _upgradeRequests);
    public int ConnectionsAccepted => Volatile.Read(ref _connectionsAccepted);
    /// <summary>Sockets open right now (upgraded and running); <see cref="DropActiveConnections"/> drops exactly these.</summary>
    public int ActiveConnections => _active.Count;
    /// <summary>Upgrades refused for any reason (auth, bad parameters, injected rejection).</summary>
    public int UpgradesRejected => Volatile.Read(ref _upgradesRejected);
    public int KeepAlivesReceived => Volatile.Read(ref _keepAlives);
    public int FinalizesReceived => Volatile.Read(ref _finalizes);
    public int CloseStreamsReceived => Volatile.Read(ref _closeStreams);

    /// <summary>Every accepted connection so far, in order.</summary>
    public IReadOnlyList<DeepgramEmulatorConnection> Connections => [.. _connections];

    /// <summary>Completes once <paramref name="condition"/> holds; it is re-checked whenever a counter or connection changes.</summary>
    public async Task WaitForAsync(Func<DeepgramEmulator, bool> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            if (condition(this)) return;
            await changed.WaitAsync(cancellationToken);
        }
    }

    // ---- wire ---------------------------------------------------------------------------------

    protected override void MapRoutes(WebApplication app) => app.Map("/v1/listen", HandleListenAsync);

    private async Task HandleListenAsync(HttpContext context)
    {
        Interlocked.Increment(ref _upgradeRequests);
        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["dg-request-id"] = requestId;

        if (!IsAuthorized(context.Request.Headers.Authorization.ToString()))
        {
            await RejectAsync(context, StatusCodes.Status401Unauthorized, "INVALID_AUTH", "Invalid credentials.", requestId);
            return;
        }
        if (_rejections.TryDequeue(out var status))
        {
            var (code, text) = status == StatusCodes.Status429TooManyRequests
                ? ("TOO_MANY_REQUESTS", "Too many requests. Please try again later.")
                : ("INTERNAL_SERVER_ERROR", $"Injected failure (HTTP {status}).");
            await RejectAsync(context, status, code, text, requestId);
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "Bad Request", "Expected a WebSocket upgrade.", requestId);
            return;
        }
        if (DeepgramListenParameters.Parse(context.Request.Query, out var error) is not { } parameters)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "Bad Request", error!, requestId);
            return;
        }

        var number = Interlocked.Increment(ref _connectionsAccepted);
        var query = context.Request.Query.ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal);
        var record = new DeepgramEmulatorConnection(number, requestId, context.Request.QueryString.Value ?? "", query,
            context.Request.Headers.Authorization.ToString(), NotifyChanged);
        _connections.Enqueue(record);
        NotifyChanged();

        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var session = new DeepgramEmulatorSession(this, record, socket, context, parameters, _time, Interlocked.Exchange(ref _nextDrop, null));
        _active[number] = session;
        NotifyChanged(); // now DropActiveConnections reaches it
        try
        {
            await session.RunAsync(aborted.Token);
        }
        finally
        {
            _active.TryRemove(number, out _);
        }
    }

    private bool IsAuthorized(string header)
    {
        const string Scheme = "Token ";
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(header[Scheme.Length..].Trim(), ApiKey, StringComparison.Ordinal);
    }

    private async Task RejectAsync(HttpContext context, int status, string code, string message, string requestId)
    {
        Interlocked.Increment(ref _upgradesRejected);
        NotifyChanged();
        context.Response.StatusCode = status;
        context.Response.Headers["dg-error"] = message;
        context.Response.ContentType = "application/json";
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["err_code"] = code,
            ["err_msg"] = message,
            ["request_id"] = requestId,
        }, DeepgramEmulatorJsonContext.Default.DictionaryStringString);
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    // ---- used by sessions ---------------------------------------------------------------------

    internal enum Counter { KeepAlive, Finalize, CloseStream }

    /// <summary>How the next connection is to be dropped: after a delay, or after a number of audio frames.</summary>
    internal sealed record DropPlan(TimeSpan? After, int? AfterAudioFrames);

    internal ScriptedTranscript? TakeTranscript() => _script.TryDequeue(out var next) ? next : null;

    /// <summary>The <see cref="HearWhile"/> window open now, if any.</summary>
    internal DeepgramHearingWindow? OpenWindow => Volatile.Read(ref _window);

    internal void CloseWindow(DeepgramHearingWindow window)
    {
        window.MarkClosed(_time.GetTimestamp());
        Interlocked.CompareExchange(ref _window, null, window);
    }

    internal byte[]? TakeInjectedText() => _injected.TryDequeue(out var raw) ? raw : null;

    internal void Count(Counter counter)
    {
        switch (counter)
        {
            case Counter.KeepAlive: Interlocked.Increment(ref _keepAlives); break;
            case Counter.Finalize: Interlocked.Increment(ref _finalizes); break;
            case Counter.CloseStream: Interlocked.Increment(ref _closeStreams); break;
        }
        NotifyChanged();
    }

    private void NotifyChanged()
        => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
