using Npgsql;
using VoiceAgent.Hosting;
using VoiceAgent.Storage.Records;

namespace VoiceAgent.Tests.Storage;

public sealed class DatabaseUrlTests
{
    [Fact]
    public void A_postgres_url_becomes_a_connection_string_with_every_part()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString("postgres://app:p%40ss%3Aword@db.internal:6543/voice?sslmode=require"));
        Assert.Equal(("db.internal", 6543, "voice", "app", "p@ss:word", SslMode.Require),
            (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password, builder.SslMode));
    }

    [Fact]
    public void A_postgresql_url_without_a_port_uses_5432()
        => Assert.Equal(5432, new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString("postgresql://app@db/voice")).Port);

    [Fact]
    public void An_npgsql_connection_string_is_taken_as_is()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString("Host=db;Port=5433;Database=voice;Username=app"));
        Assert.Equal(("db", 5433, "voice"), (builder.Host, builder.Port, builder.Database));
    }

    [Fact]
    public void Invalid_records_settings_are_all_listed_at_start_up()
    {
        var errors = new VoiceAgentSettings
        {
            DatabaseUrl = "NoSuchKeyword=1",
            TranscriptEncryptionKey = "short",
            TranscriptRetentionDays = 0,
            AdminToken = "short",
            CallEndWebhookUrl = "ftp://crm",
        }.Validate();
        Assert.Contains(errors, e => e.StartsWith("DATABASE_URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("TRANSCRIPT_ENCRYPTION_KEY", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("TRANSCRIPT_RETENTION_DAYS", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ADMIN_TOKEN", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("CALL_END_WEBHOOK_URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("CALL_END_WEBHOOK_SECRET", StringComparison.Ordinal));
    }
}
