using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace VoiceAgent.Providers.Deepgram;

/// <summary>Opens one authenticated WebSocket to <c>/v1/listen</c>, mapping a failed upgrade to <see cref="DeepgramConnectionException"/>.</summary>
internal sealed class DeepgramConnector(DeepgramOptions options, ILogger logger, TimeProvider time)
{
    /// <summary>An open socket and Deepgram's <c>dg-request-id</c> for it.</summary>
    public readonly record struct OpenSocket(ClientWebSocket Socket, string? RequestId);

    public async Task<OpenSocket> ConnectAsync(Uri url, int session, int attempt, CancellationToken cancellationToken)
    {
        DeepgramLog.Connecting(logger, session, url, attempt);
        var socket = new ClientWebSocket();
        try
        {
            socket.Options.SetRequestHeader("Authorization", "Token " + options.ApiKey);
            socket.Options.CollectHttpResponseDetails = true;
            using var timeout = new CancellationTokenSource(options.ConnectTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await socket.ConnectAsync(url, linked.Token);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw Failed(session, attempt, new DeepgramConnectionException(
                    $"The WebSocket upgrade did not complete within {options.ConnectTimeout.TotalMilliseconds:0} ms.", 0, null, retryable: true, ex));
            }
            catch (WebSocketException ex)
            {
                var status = (int)socket.HttpStatusCode;
                var serverError = Header(socket, "dg-error");
                var message = status == 0
                    ? $"Could not reach Deepgram: {ex.Message}"
                    : $"Deepgram rejected the upgrade with HTTP {status}{(serverError is null ? "" : $": {serverError}")}.";
                throw Failed(session, attempt, new DeepgramConnectionException(
                    message, status, serverError, DeepgramConnectionException.IsRetryableStatus(status), ex));
            }
            catch (HttpRequestException ex)
            {
                throw Failed(session, attempt, new DeepgramConnectionException($"Could not reach Deepgram: {ex.Message}", 0, null, retryable: true, ex));
            }

            var opened = new OpenSocket(socket, Header(socket, "dg-request-id"));
            socket = null;
            return opened;
        }
        finally
        {
            socket?.Dispose();
        }
    }

    private DeepgramConnectionException Failed(int session, int attempt, DeepgramConnectionException failure)
    {
        DeepgramLog.ConnectFailed(logger, session, attempt, failure.StatusCode, failure.ServerError, failure.Retryable, failure.Message);
        return failure;
    }

    private static string? Header(ClientWebSocket socket, string name)
    {
        if (socket.HttpResponseHeaders is not { } headers) return null;
        foreach (var (key, values) in headers)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return string.Join(", ", values);
        return null;
    }
}
