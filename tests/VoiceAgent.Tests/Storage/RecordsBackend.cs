using System.Data.Common;
using System.Text;
using Npgsql;
using VoiceAgent.Storage.Records;

namespace VoiceAgent.Tests.Storage;

/// <summary>
/// A real records database for one test: a SQLite file in a fresh data folder, or a fresh database on the
/// PostgreSQL server named by <c>VOICEAGENT_TEST_DATABASE_URL</c> (set by <c>scripts/test.sh</c>, which starts
/// one). Without that variable the PostgreSQL variants fail, saying so: they are never silently skipped.
/// </summary>
public abstract class RecordsBackend : IAsyncDisposable
{
    public const string DatabaseUrlVariable = "VOICEAGENT_TEST_DATABASE_URL";

    protected RecordsBackend() => DataDir = Directory.CreateTempSubdirectory("voiceagent-records-").FullName;

    public string DataDir { get; }
    public abstract string Kind { get; }
    /// <summary>What the server gets as <c>DATABASE_URL</c> (null: SQLite in the data folder).</summary>
    public abstract string? DatabaseUrl { get; }

    public static async Task<RecordsBackend> CreateAsync(string kind) => kind switch
    {
        "sqlite" => new SqliteBackend(),
        "postgresql" => await PostgresBackend.CreateAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Settings that point a server at this database, its data folder, and a fixed encryption key.</summary>
    public Dictionary<string, string?> ServerSettings(string? key = null) => new()
    {
        ["DATA_DIR"] = DataDir,
        ["DATABASE_URL"] = DatabaseUrl,
        ["TRANSCRIPT_ENCRYPTION_KEY"] = key,
    };

    internal SqlRecordsStore OpenStore(string? databaseUrl = null) => new(RecordsDialect.Create(databaseUrl ?? DatabaseUrl, DataDir));

    /// <summary>Every column of every row of <paramref name="table"/>, as text (byte columns decoded as UTF-8 too).</summary>
    public async Task<string> RawTableTextAsync(string table)
    {
        await using var store = OpenStore();
        await using var connection = await store.Dialect.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM " + table;
        await using var reader = await command.ExecuteReaderAsync();
        var text = new StringBuilder();
        while (await reader.ReadAsync())
            for (var i = 0; i < reader.FieldCount; i++)
                text.Append(reader.GetValue(i) switch { byte[] bytes => Encoding.UTF8.GetString(bytes) + "|" + Encoding.Latin1.GetString(bytes), var v => v.ToString() }).Append('\t');
        return text.ToString();
    }

    public async Task<long> CountAsync(string table)
    {
        await using var store = OpenStore();
        await using var connection = await store.Dialect.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM " + table;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public virtual ValueTask DisposeAsync()
    {
        Directory.Delete(DataDir, recursive: true);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}

internal sealed class SqliteBackend : RecordsBackend
{
    public override string Kind => "sqlite";
    public override string? DatabaseUrl => null;
}

internal sealed class PostgresBackend : RecordsBackend
{
    private readonly string _adminConnectionString;
    private readonly string _database;

    private PostgresBackend(string adminConnectionString, string database, string url)
    {
        _adminConnectionString = adminConnectionString;
        _database = database;
        DatabaseUrl = url;
    }

    public override string Kind => "postgresql";
    public override string? DatabaseUrl { get; }

    /// <summary>The test server's base URL; fails the test with instructions when it is not set.</summary>
    public static string ServerUrl => Environment.GetEnvironmentVariable(DatabaseUrlVariable) is { Length: > 0 } url ? url
        : throw new InvalidOperationException(
            $"{DatabaseUrlVariable} is not set, so the PostgreSQL variant of this test cannot run. Run ./scripts/test.sh " +
            "(it starts a throwaway PostgreSQL), or point the variable at a server, e.g. postgres://user:pass@127.0.0.1:5432/postgres.");

    public static async Task<PostgresBackend> CreateAsync()
    {
        var baseUrl = new Uri(ServerUrl);
        var admin = DatabaseUrlToConnectionString(ServerUrl);
        var database = "va_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
            await command.ExecuteNonQueryAsync();
        }
        var url = new UriBuilder(baseUrl) { Path = "/" + database }.Uri.ToString();
        return new PostgresBackend(admin, database, url);
    }

    /// <summary>The same database reached through another host:port (e.g. a proxy that can be cut).</summary>
    public string UrlVia(int port) => new UriBuilder(new Uri(DatabaseUrl!)) { Port = port }.Uri.ToString();

    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        await base.DisposeAsync();
    }

    private static string DatabaseUrlToConnectionString(string url) => VoiceAgent.Storage.Records.DatabaseUrl.ToConnectionString(url);
}
