using Microsoft.Extensions.Logging;

namespace VoiceAgent.Providers.Deepgram;

/// <summary>Generated log messages of the Deepgram client (event ids 3100-3199). None carries the API key.</summary>
internal static partial class DeepgramLog
{
    [LoggerMessage(3100, LogLevel.Debug, "Deepgram session {Session}: connecting to {Url} (attempt {Attempt}).")]
    public static partial void Connecting(ILogger logger, int session, Uri url, int attempt);

    [LoggerMessage(3101, LogLevel.Information, "Deepgram session {Session}: connection {Connection} open (dg-request-id {RequestId}).")]
    public static partial void Connected(ILogger logger, int session, int connection, string? requestId);

    [LoggerMessage(3102, LogLevel.Warning, "Deepgram session {Session}: connect attempt {Attempt} failed with HTTP {StatusCode} (dg-error {ServerError}, retryable {Retryable}): {Reason}")]
    public static partial void ConnectFailed(ILogger logger, int session, int attempt, int statusCode, string? serverError, bool retryable, string reason);

    [LoggerMessage(3103, LogLevel.Warning, "Deepgram session {Session}: connection {Connection} lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, int session, int connection, string reason);

    [LoggerMessage(3104, LogLevel.Information, "Deepgram session {Session}: reconnect attempt {Attempt} of {MaxAttempts} in {DelayMs} ms.")]
    public static partial void ReconnectScheduled(ILogger logger, int session, int attempt, int maxAttempts, long delayMs);

    [LoggerMessage(3105, LogLevel.Information, "Deepgram session {Session}: reconnected as connection {Connection}; replaying {ReplayBytes} bytes of audio.")]
    public static partial void Reconnected(ILogger logger, int session, int connection, long replayBytes);

    [LoggerMessage(3106, LogLevel.Error, "Deepgram session {Session}: giving up: {Reason}")]
    public static partial void GaveUp(ILogger logger, int session, string reason);

    [LoggerMessage(3107, LogLevel.Warning, "Deepgram session {Session}: skipped a malformed {Length}-byte message on connection {Connection}: {Error}")]
    public static partial void MalformedMessage(ILogger logger, int session, int connection, int length, string error);

    [LoggerMessage(3108, LogLevel.Debug, "Deepgram session {Session}: ignored message type {Type}.")]
    public static partial void UnknownMessage(ILogger logger, int session, string? type);

    [LoggerMessage(3109, LogLevel.Warning, "Deepgram session {Session}: server reported an error: {Error}")]
    public static partial void ServerError(ILogger logger, int session, string? error);

    [LoggerMessage(3110, LogLevel.Debug, "Deepgram session {Session}: Metadata received (request_id {RequestId}).")]
    public static partial void MetadataReceived(ILogger logger, int session, string? requestId);

    [LoggerMessage(3111, LogLevel.Trace, "Deepgram session {Session}: KeepAlive sent.")]
    public static partial void KeepAliveSent(ILogger logger, int session);

    [LoggerMessage(3112, LogLevel.Debug, "Deepgram session {Session}: Finalize sent.")]
    public static partial void FinalizeSent(ILogger logger, int session);

    [LoggerMessage(3113, LogLevel.Debug, "Deepgram session {Session}: CloseStream sent; waiting for the final results.")]
    public static partial void CloseStreamSent(ILogger logger, int session);

    [LoggerMessage(3114, LogLevel.Warning, "Deepgram session {Session}: the server did not finish within {TimeoutMs} ms of CloseStream; aborting the socket.")]
    public static partial void CloseTimedOut(ILogger logger, int session, long timeoutMs);

    [LoggerMessage(3115, LogLevel.Warning, "Deepgram session {Session}: sending {Kind} on connection {Connection} failed: {Error}")]
    public static partial void SendFailed(ILogger logger, int session, OutboundKind kind, int connection, string error);

    [LoggerMessage(3116, LogLevel.Warning, "Deepgram session {Session}: skipped a message larger than {MaxBytes} bytes.")]
    public static partial void OversizedMessage(ILogger logger, int session, int maxBytes);

    [LoggerMessage(3117, LogLevel.Error, "Deepgram session {Session}: the session pump failed.")]
    public static partial void PumpFailed(ILogger logger, int session, Exception exception);

    [LoggerMessage(3118, LogLevel.Debug, "Deepgram session {Session}: closed.")]
    public static partial void Closed(ILogger logger, int session);
}
