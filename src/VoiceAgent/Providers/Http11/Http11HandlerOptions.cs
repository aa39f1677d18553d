using System.Net.Security;

namespace VoiceAgent.Providers.Http11;

/// <summary>Settings of a <see cref="Http11Handler"/> (the same values <see cref="SocketsHttpHandler"/> was given on the model path).</summary>
internal sealed record Http11HandlerOptions
{
    /// <summary>Upper bound on opening a connection (TCP and TLS).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>An idle connection is closed after this long (the start-up warm-up re-opens one every 50 s).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A connection is not reused after this long (DNS changes are picked up).</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest response head (status line and header fields) accepted.</summary>
    public int MaxResponseHeadBytes { get; init; } = 64 * 1024;

    /// <summary>Clock of the idle and lifetime checks.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Server certificate check for https origins; null: the system's trust store (tests pass one for a self-signed certificate).</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }
}
