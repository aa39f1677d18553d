using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VoiceAgent.Emulators.Hosting;

namespace VoiceAgent.Emulators.ElevenLabs;

/// <summary>
/// Local stand-in for ElevenLabs' stream-input text-to-speech WebSocket
/// (<c>/v1/text-to-speech/{voice_id}/stream-input</c>), speaking the wire format in
/// <c>protocols/elevenlabs-stream-input.md</c>.
/// </summary>
/// <remarks>
/// <para>Accepts the key as the <c>xi-api-key</c> header or as <c>xi_api_key</c>/<c>xi-api-key</c> in the BOS;
/// a missing or wrong key, a first message that is not a BOS, an unparsable message or an out-of-range
/// setting gets an error frame (<c>message</c>, <c>error</c>, <c>code: 1008</c>) and close 1008.</para>
/// <para>Text is buffered and generated at the last word boundary once the BOS's
/// <c>chunk_length_schedule</c> threshold is reached (default [120,160,250,290]), on <c>flush</c>, and on EOS
/// (<c>{"text":""}</c>), after which <c>{"isFinal":true}</c> is sent and the socket closed with 1000.
/// <c>{"text":" "}</c> after the BOS is a keep-alive. No text for <c>inactivity_timeout</c> seconds (default
/// 20) gets the service's <c>input_timeout_exceeded</c> error and close 1008.</para>
/// <para>Audio is deterministic speech-like sound (see <see cref="MillisecondsPerCharacter"/>) in
/// <c>ulaw_8000</c>, <c>pcm_8000</c>, <c>pcm_16000</c> or <c>pcm_24000</c>, with <c>alignment</c> and
/// <c>normalizedAlignment</c> when <c>sync_alignment=true</c>. Latency and faults: <see cref="Behavior"/>.</para>
/// </remarks>
public sealed class ElevenLabsEmulator : EmulatorHost
{
    /// <summary>Every character, letters and spaces alike, is spoken for this long.</summary>
    public const int MillisecondsPerCharacter = 65;

    private readonly TimeProvider _clock;
    private readonly Channel<ElevenLabsEmulatorSession> _arrivals = Channel.CreateUnbounded<ElevenLabsEmulatorSession>();
    private ImmutableList<ElevenLabsEmulatorSession> _sessions = [];
    private ElevenLabsEmulatorBehavior _behavior;
    private readonly System.Collections.Concurrent.ConcurrentQueue<int> _rejections = new();

    public ElevenLabsEmulator(ElevenLabsEmulatorBehavior? behavior = null, TimeProvider? clock = null)
    {
        _behavior = behavior ?? new ElevenLabsEmulatorBehavior();
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Key, latency and faults for connections opened from now on.</summary>
    public ElevenLabsEmulatorBehavior Behavior
    {
        get => Volatile.Read(ref _behavior);
        set => Volatile.Write(ref _behavior, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Fault: answers the next <paramref name="count"/> upgrades with <paramref name="statusCode"/>; later ones follow <see cref="Behavior"/>.</summary>
    public void RejectNextUpgrades(int statusCode = 503, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        for (var i = 0; i < count; i++) _rejections.Enqueue(statusCode);
    }

    /// <summary>The clock every recorded timestamp is taken from.</summary>
    public TimeProvider Clock => _clock;

    /// <summary>Every connection attempt so far, rejected ones included, in arrival order.</summary>
    public IReadOnlyList<ElevenLabsEmulatorSession> Sessions => Volatile.Read(ref _sessions);

    /// <summary>Waits for the next connection attempt not yet returned by this method.</summary>
    public ValueTask<ElevenLabsEmulatorSession> WaitForSessionAsync(CancellationToken cancellationToken)
        => _arrivals.Reader.ReadAsync(cancellationToken);

    protected override void MapRoutes(WebApplication app)
        => app.Map("/v1/text-to-speech/{voiceId}/stream-input", (RequestDelegate)HandleAsync);

    private async Task HandleAsync(HttpContext context)
    {
        var behavior = Behavior;
        var query = context.Request.Query.ToDictionary(p => p.Key, p => p.Value.Count > 0 ? p.Value[^1] ?? "" : "", StringComparer.Ordinal);
        var header = context.Request.Headers["xi-api-key"] is { Count: > 0 } key ? key.ToString() : null;
        var session = new ElevenLabsEmulatorSession(context.GetRouteValue("voiceId") as string ?? "", query, header, _clock.GetTimestamp());
        ImmutableInterlocked.Update(ref _sessions, list => list.Add(session));
        _arrivals.Writer.TryWrite(session);
        try
        {
            if ((_rejections.TryDequeue(out var queued) ? queued : behavior.RejectUpgradeWithStatus) is { } status)
            {
                session.RejectedWithStatus = status;
                context.Response.StatusCode = status;
                await context.Response.WriteAsJsonAsync(
                    new EmulatorRejection(new EmulatorRejectionDetail("upgrade_rejected", $"Rejected with HTTP {status} by the emulator's fault settings.")),
                    ElevenLabsEmulatorJsonContext.Default.EmulatorRejection, contentType: null, context.RequestAborted);
                return;
            }

            if (!context.WebSockets.IsWebSocketRequest)
            {
                session.RejectedWithStatus = StatusCodes.Status400BadRequest;
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            await new ElevenLabsEmulatorConnection(socket, context, session, behavior, _clock).RunAsync(stopping);
        }
        finally
        {
            session.End();
        }
    }
}
