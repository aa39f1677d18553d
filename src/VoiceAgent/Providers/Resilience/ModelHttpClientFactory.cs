namespace VoiceAgent.Providers.Resilience;

/// <summary>
/// The <see cref="HttpClient"/> the model SDKs run on. Its one job beyond pooling: when a caller cancels a
/// stream (barge-in), the upstream response must close at once. By default SocketsHttpHandler "drains" an
/// unfinished response for up to 2 s so the connection can be reused, which keeps the provider generating (and
/// billing) tokens nobody will hear; with <see cref="SocketsHttpHandler.MaxResponseDrainSize"/> = 0 the
/// connection is closed instead.
/// </summary>
internal static class ModelHttpClientFactory
{
    /// <param name="warmup">When given, sits in front of the socket handler (start-up warm-up with canned replies).</param>
    public static HttpClient Create(TimeSpan connectTimeout, ModelWarmupHandler? warmup = null)
    {
        var sockets = new SocketsHttpHandler
        {
            MaxResponseDrainSize = 0,
            ConnectTimeout = connectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            EnableMultipleHttp2Connections = true,
        };
        if (warmup is not null) warmup.InnerHandler = sockets;
        return new HttpClient(warmup is null ? sockets : warmup)
        {
            // The SDKs apply their own per-call timeout; HttpClient's 100 s default would only interfere.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }
}
