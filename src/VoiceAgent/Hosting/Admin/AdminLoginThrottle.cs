using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace VoiceAgent.Hosting.Admin;

/// <summary>
/// Failed <c>ADMIN_TOKEN</c> attempts per client address, in fixed windows: after <see cref="MaxFailures"/> wrong tokens
/// from one address within <see cref="Window"/> (from its first failure), that address gets 429 with <c>Retry-After</c>
/// on the dashboard login and the admin API until the window ends, right token or not, so guessing costs a minute per
/// ten tries. IPv6 clients count per /64 (one host usually holds a whole /64). The client address is the socket's peer:
/// behind a reverse proxy every client shares the proxy's window. The table is bounded: past
/// <see cref="AddressesTracked"/> addresses with a live window, new ones share one window (throttled together, never
/// let through unthrottled).
/// </summary>
internal sealed class AdminLoginThrottle(TimeProvider clock)
{
    public const int MaxFailures = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    internal const int AddressesTracked = 10_000;
    private const string Overflow = "overflow";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateTimeOffset Ends, int Failures)> _windows = new(StringComparer.Ordinal);

    /// <summary>How long until <paramref name="context"/>'s client may try again; null when it may try now.</summary>
    public TimeSpan? RetryAfter(HttpContext context)
    {
        var key = Key(context);
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (!_windows.TryGetValue(key, out var window) && !_windows.TryGetValue(Overflow, out window)) return null;
            if (window.Ends <= now || window.Failures < MaxFailures) return null;
            return window.Ends - now;
        }
    }

    /// <summary>A wrong token came from <paramref name="context"/>'s client.</summary>
    public void Failed(HttpContext context)
    {
        var key = Key(context);
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (!_windows.ContainsKey(key) && _windows.Count >= AddressesTracked)
            {
                foreach (var (stale, window) in _windows.ToArray())
                    if (window.Ends <= now) _windows.Remove(stale);
                if (_windows.Count >= AddressesTracked) key = Overflow;
            }
            _windows[key] = _windows.TryGetValue(key, out var current) && current.Ends > now
                ? current with { Failures = current.Failures + 1 }
                : (now + Window, 1);
        }
    }

    /// <summary>The 429 answer (problem details): <c>Retry-After</c> in whole seconds, rounded up.</summary>
    public static IResult TooMany(HttpContext context, TimeSpan retryAfter)
        => Results.Problem(TooManyMessage(context, retryAfter), statusCode: StatusCodes.Status429TooManyRequests);

    /// <summary>Sets <c>Retry-After</c> (whole seconds, rounded up) and returns what to tell the client.</summary>
    public static string TooManyMessage(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return $"Too many wrong admin tokens from this address: try again in {seconds} s.";
    }

    internal static string Key(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is not { } address) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
