using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace VoiceAgent.Storage.Records;

/// <summary>What differs between SQLite and PostgreSQL: how to connect, the schema's column types, the migration lock.</summary>
internal abstract class RecordsDialect : IAsyncDisposable
{
    public abstract string Kind { get; }
    public abstract string Describe { get; }
    public abstract string BlobType { get; }
    public abstract string IdentityColumn { get; }
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);
    /// <summary>Runs first in the migration transaction so two instances starting together migrate one after the other.</summary>
    public abstract string? MigrationLockSql { get; }
    public abstract ValueTask DisposeAsync();

    public static RecordsDialect Create(string? databaseUrl, string dataDir)
        => databaseUrl is null ? new SqliteDialect(Path.Combine(dataDir, "records.db")) : new PostgresDialect(DatabaseUrl.ToConnectionString(databaseUrl));
}

/// <summary>Unpooled: records are written once per call, and no handle outlives an operation (the file can be moved or deleted).</summary>
internal sealed class SqliteDialect(string path) : RecordsDialect
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString();

    public string Path => path;
    public override string Kind => "sqlite";
    public override string Describe => "sqlite " + path;
    public override string BlobType => "BLOB";
    public override string IdentityColumn => "INTEGER PRIMARY KEY AUTOINCREMENT";
    public override string? MigrationLockSql => null;

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        if (!File.Exists(path) && !OperatingSystem.IsWindows())
        {
            // Owner-only from the first byte: the file holds ciphertext and caller hashes, nothing for other users.
            try { new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }).Dispose(); }
            catch (IOException) when (File.Exists(path)) { } // another connection created it first
        }
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

internal sealed class PostgresDialect(string connectionString) : RecordsDialect
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5, CommandTimeout = 30 }.ConnectionString);

    public override string Kind => "postgresql";
    public override string Describe { get; } = $"postgresql {new NpgsqlConnectionStringBuilder(connectionString).Host}:{new NpgsqlConnectionStringBuilder(connectionString).Port}/{new NpgsqlConnectionStringBuilder(connectionString).Database}";
    public override string BlobType => "BYTEA";
    public override string IdentityColumn => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
    public override string? MigrationLockSql => "SELECT pg_advisory_xact_lock(74310001)";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) => await _source.OpenConnectionAsync(cancellationToken);

    public override ValueTask DisposeAsync() => _source.DisposeAsync();
}
