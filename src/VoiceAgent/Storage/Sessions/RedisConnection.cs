using StackExchange.Redis;

namespace VoiceAgent.Storage.Sessions;

/// <summary>Reads <c>REDIS_URL</c> (<c>redis://[user:password@]host:port[/db]</c>, <c>rediss://</c> for TLS) into client options.</summary>
internal static class RedisConnection
{
    /// <summary>The client options for <paramref name="url"/>, or an error that says how to fix it.</summary>
    public static (ConfigurationOptions? Options, string? Error) Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss") || uri.Host.Length == 0)
            return (null, $"REDIS_URL must look like redis://host:6379 or rediss://user:password@host:6380/0 (got a value that does not).");
        var options = new ConfigurationOptions
        {
            EndPoints = { { uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port } },
            Ssl = uri.Scheme == "rediss",
            // Start and keep serving without Redis; reconnect in the background.
            AbortOnConnectFail = false,
            ConnectTimeout = 2000,
            AsyncTimeout = 2000,
            SyncTimeout = 2000,
            ConnectRetry = 1,
            // While disconnected, fail commands at once rather than queue them: the call goes on in process.
            BacklogPolicy = BacklogPolicy.FailFast,
            ClientName = "voiceagent",
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            if (parts.Length == 2)
            {
                if (parts[0].Length > 0) options.User = Uri.UnescapeDataString(parts[0]);
                options.Password = Uri.UnescapeDataString(parts[1]);
            }
            else
            {
                options.Password = Uri.UnescapeDataString(parts[0]);
            }
        }
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, out var db) || db < 0) return (null, "REDIS_URL's path must be a database number such as /0.");
            options.DefaultDatabase = db;
        }
        return (options, null);
    }
}
