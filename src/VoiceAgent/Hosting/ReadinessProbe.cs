using System.Net.Sockets;
using VoiceAgent.Hosting.Drain;
using VoiceAgent.Storage.Sessions;

namespace VoiceAgent.Hosting;

/// <summary>
/// Ready means every configured dependency answers: a TCP connection to each provider origin succeeds within a short
/// timeout, every registered <see cref="IReadinessContributor"/> (e.g. the records store) reports ready, and a
/// configured Redis answers a PING. Results are cached briefly so a load balancer's probe costs nothing. A draining
/// instance is never ready (checked before the cache), so the load balancer stops sending it calls first. With only
/// Redis down the status is <c>degraded</c>: calls go on in process but cannot fail over.
/// </summary>
internal sealed class ReadinessProbe(IReadOnlyList<ReadinessTarget> targets, TimeProvider clock, IEnumerable<IReadinessContributor>? contributors = null, LiveCalls? liveCalls = null, SessionStoreReadiness? sessionStore = null)
{
    private readonly IReadinessContributor[] _contributors = contributors?.ToArray() ?? [];
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1.5);
    private ReadinessReport? _last;
    private long _lastAt;

    public async Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        if (liveCalls is { IsDraining: true }) return new ReadinessReport(false, [], "draining");
        if (_last is { } cached && clock.GetElapsedTime(_lastAt) < CacheFor) return cached;
        var checks = (await Task.WhenAll(targets.Select(t => CheckOneAsync(t, cancellationToken)).Concat(_contributors.Select(c => c.CheckAsync(cancellationToken))))).ToList();
        var storeDown = false;
        if (sessionStore is not null)
        {
            var store = await sessionStore.CheckAsync(cancellationToken);
            checks.Add(store);
            storeDown = !store.Reachable;
        }
        var ready = checks.All(c => c.Reachable);
        var report = new ReadinessReport(ready, checks, ready ? "ready" : storeDown && checks.Count(c => !c.Reachable) == 1 ? "degraded" : "unready");
        _last = report;
        _lastAt = clock.GetTimestamp();
        return report;
    }

    private static async Task<ReadinessCheck> CheckOneAsync(ReadinessTarget target, CancellationToken cancellationToken)
    {
        var port = target.Origin.IsDefaultPort ? (target.Origin.Scheme is "https" or "wss" ? 443 : 80) : target.Origin.Port;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(target.Origin.Host, port, timeout.Token);
            return new ReadinessCheck(target.Name, target.Origin.GetLeftPart(UriPartial.Authority), true, null);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return new ReadinessCheck(target.Name, target.Origin.GetLeftPart(UriPartial.Authority), false, ex is OperationCanceledException ? "timeout" : ex.Message);
        }
    }
}

/// <summary>A store or service that takes part in <c>/readyz</c>.</summary>
internal interface IReadinessContributor
{
    Task<ReadinessCheck> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>The Redis session store's part of readiness: a PING, and whether the writer is holding state back.</summary>
internal sealed class SessionStoreReadiness(ISessionStore store, SessionWriter writer, string origin)
{
    public async Task<ReadinessCheck> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.PingAsync(cancellationToken);
            return writer.IsDegraded
                ? new ReadinessCheck("redis", origin, false, "degraded: call state is being written again")
                : new ReadinessCheck("redis", origin, true, null);
        }
        catch (SessionStoreUnavailableException)
        {
            return new ReadinessCheck("redis", origin, false, "degraded: unreachable; calls continue in process without failover");
        }
    }
}

internal sealed record ReadinessTarget(string Name, Uri Origin);
internal sealed record ReadinessCheck(string Name, string Origin, bool Reachable, string? Error);
internal sealed record ReadinessReport(bool Ready, IReadOnlyList<ReadinessCheck> Checks, string Status = "ready");
