using System.Collections.Frozen;
using System.Net.WebSockets;

namespace VoiceAgent.Providers.ElevenLabs;

/// <summary>
/// An ElevenLabs stream failed. <see cref="Retryable"/> says whether opening a new stream may succeed;
/// whether to retry is the caller's decision (never once the caller heard audio from this stream).
/// </summary>
public sealed class ElevenLabsException : Exception
{
    // Error codes that describe a transient condition rather than a bad request or account problem.
    private static readonly FrozenSet<string> TransientErrorCodes = FrozenSet.ToFrozenSet(
        ["input_timeout_exceeded", "too_many_concurrent_requests", "system_busy", "rate_limit_exceeded", "internal_error", "service_unavailable"],
        StringComparer.Ordinal);

    public ElevenLabsException(string message, ElevenLabsFailureKind kind, bool retryable, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Retryable = retryable;
    }

    public ElevenLabsException() : this("ElevenLabs stream failed.", ElevenLabsFailureKind.ConnectionLost, retryable: true) { }

    public ElevenLabsException(string message) : this(message, ElevenLabsFailureKind.ConnectionLost, retryable: true) { }

    public ElevenLabsException(string message, Exception innerException)
        : this(message, ElevenLabsFailureKind.ConnectionLost, retryable: true, innerException) { }

    /// <summary>What failed.</summary>
    public ElevenLabsFailureKind Kind { get; }

    /// <summary>True when a new stream may succeed (network drop, timeout, 429/5xx, transient server error).</summary>
    public bool Retryable { get; }

    /// <summary>The error frame's <c>error</c> value, e.g. <c>input_timeout_exceeded</c>.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>HTTP status of a rejected upgrade.</summary>
    public int? HttpStatusCode { get; init; }

    /// <summary>Close status the server sent, when it closed the socket.</summary>
    public WebSocketCloseStatus? CloseStatus { get; init; }

    internal static ElevenLabsException HandshakeRejected(int status, Exception inner)
        => new($"ElevenLabs rejected the WebSocket upgrade with HTTP {status}.", ElevenLabsFailureKind.HandshakeRejected,
            retryable: status is 408 or 429 or >= 500, inner) { HttpStatusCode = status };

    internal static ElevenLabsException ConnectFailed(string reason, Exception? inner)
        => new($"Could not connect to ElevenLabs: {reason}", ElevenLabsFailureKind.ConnectFailed, retryable: true, inner);

    internal static ElevenLabsException ServerError(string? code, string? message, WebSocketCloseStatus? closeStatus)
        => new($"ElevenLabs error '{code}': {message}", ElevenLabsFailureKind.ServerError,
            retryable: (code is not null && TransientErrorCodes.Contains(code)) || IsTransientClose(closeStatus))
        { ErrorCode = code, CloseStatus = closeStatus };

    internal static ElevenLabsException ClosedBeforeFinal(WebSocketCloseStatus? status, string? description)
        => new($"ElevenLabs closed the stream before its final message (close {(int?)status} '{description}').",
            ElevenLabsFailureKind.ConnectionLost, retryable: status != WebSocketCloseStatus.PolicyViolation)
        { CloseStatus = status };

    internal static ElevenLabsException Dropped(Exception inner)
        => new("The ElevenLabs connection dropped before the final message.", ElevenLabsFailureKind.ConnectionLost, retryable: true, inner);

    internal static ElevenLabsException Unreadable(string detail, Exception? inner)
        => new($"ElevenLabs sent a frame this client cannot read: {detail}", ElevenLabsFailureKind.ProtocolViolation, retryable: false, inner);

    private static bool IsTransientClose(WebSocketCloseStatus? status)
        => status is WebSocketCloseStatus.InternalServerError or WebSocketCloseStatus.EndpointUnavailable || (int?)status is 1012 or 1013;
}
