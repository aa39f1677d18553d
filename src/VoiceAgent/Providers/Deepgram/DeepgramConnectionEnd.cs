using System.Net.WebSockets;

namespace VoiceAgent.Providers.Deepgram;

/// <summary>Why a connection's receive loop stopped, and whether a reconnect can help.</summary>
internal sealed record DeepgramConnectionEnd(string Reason, bool Retryable)
{
    /// <summary>Close 1008 (<c>DATA-0000</c>) means Deepgram cannot decode the audio: a new socket would fail the same way.</summary>
    public static DeepgramConnectionEnd ClosedByServer(WebSocketCloseStatus? status, string? description, string? serverError)
    {
        var reason = $"server closed the socket ({(int?)status ?? 0} {description})";
        if (serverError is not null) reason += $" after reporting: {serverError}";
        return new(reason, status != WebSocketCloseStatus.PolicyViolation);
    }

    public static DeepgramConnectionEnd Dropped(Exception error) => new($"connection dropped: {error.Message}", Retryable: true);

    public static DeepgramConnectionEnd SendFailed(OutboundKind kind, Exception error) => new($"sending {kind} failed: {error.Message}", Retryable: true);

    public static DeepgramConnectionEnd Stopped { get; } = new("stopped by the client", Retryable: false);
}
