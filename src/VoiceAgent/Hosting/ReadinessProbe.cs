using System.Net.Sockets;

namespace VoiceAgent.Hosting;

/// <summary>
/// Ready means every configured dependency answers: a TCP connection to each provider origin succeeds
/// within a short timeout, and every registered <see cref="IReadinessContributor"/> (e.g. the records store)
/// reports ready. Results are cached briefly so a load balancer's probe costs nothing.
/// </summary>
internal sealed class ReadinessProbe(IReadOnlyList<ReadinessTarget> targets, TimeProvider clock, IEnumerable<IReadinessContributor>? contributors = null)
{
    private readonly IReadinessContributor[] _contributors = contributors?.ToArray() ?? [];
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1.5);
    private ReadinessReport? _last;
    private long _lastAt;

    public async Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        if (_last is { } cached && clock.GetElapsedTime(_lastAt) < CacheFor) return cached;
        var checks = await Task.WhenAll(targets.Select(t => CheckOneAsync(t, cancellationToken)).Concat(_contributors.Select(c => c.CheckAsync(cancellationToken))));
        var report = new ReadinessReport(checks.All(c => c.Reachable), checks);
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

internal sealed record ReadinessTarget(string Name, Uri Origin);
internal sealed record ReadinessCheck(string Name, string Origin, bool Reachable, string? Error);
internal sealed record ReadinessReport(bool Ready, IReadOnlyList<ReadinessCheck> Checks);
