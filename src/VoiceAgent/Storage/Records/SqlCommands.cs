using System.Data.Common;

namespace VoiceAgent.Storage.Records;

/// <summary>
/// The plain ADO.NET steps every store in the records database takes (records, outbound calls): a command with
/// <c>@name</c> parameters (both SQLite and PostgreSQL take them), a write transaction, and one statement on a
/// connection of its own.
/// </summary>
internal static class SqlCommands
{
    /// <summary>A command on <paramref name="connection"/>; a null value is sent as SQL NULL.</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>A write transaction; on SQLite <c>BEGIN IMMEDIATE</c>, which takes the write lock up front.</summary>
    public static async Task<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (connection is Microsoft.Data.Sqlite.SqliteConnection sqlite) return sqlite.BeginTransaction(deferred: false);
        return await connection.BeginTransactionAsync(cancellationToken);
    }

    /// <summary>Runs one statement on a connection of its own; returns the rows it touched.</summary>
    public static async Task<int> ExecuteAsync(this RecordsDialect dialect, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs one query on a connection of its own and reads every row with <paramref name="read"/>.</summary>
    public static async Task<IReadOnlyList<T>> QueryAsync<T>(this RecordsDialect dialect, string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken,
        params (string, object?)[] parameters)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(read(reader));
        return rows;
    }
}
