using Npgsql;

namespace VoiceAgent.Storage.Records;

/// <summary>
/// <c>DATABASE_URL</c> as either a URL (<c>postgres://user:pass@host:5432/db?sslmode=require</c>, the form hosting
/// platforms hand out) or an Npgsql connection string (<c>Host=…;Database=…</c>).
/// </summary>
public static class DatabaseUrl
{
    public static string ToConnectionString(string value)
    {
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) && !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return new NpgsqlConnectionStringBuilder(value).ConnectionString;
        var uri = new Uri(value);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "postgres",
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            builder[Uri.UnescapeDataString(kv[0])] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
        }
        return builder.ConnectionString;
    }

    /// <summary>Null when valid; else what is wrong.</summary>
    public static string? Check(string value)
    {
        try { _ = ToConnectionString(value); return null; }
        catch (Exception ex) when (ex is ArgumentException or UriFormatException or FormatException or KeyNotFoundException) { return ex.Message; }
    }

    /// <summary>The connection string without its password, for logs and error messages.</summary>
    public static string Describe(string value)
    {
        var builder = new NpgsqlConnectionStringBuilder(ToConnectionString(value));
        return $"postgresql {builder.Host}:{builder.Port}/{builder.Database}";
    }
}
