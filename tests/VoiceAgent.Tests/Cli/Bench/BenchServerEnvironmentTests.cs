using VoiceAgent.Cli.Bench.Outside;

namespace VoiceAgent.Tests.Cli.Bench;

/// <summary>The one environment builder of the relay and media outside benches.</summary>
public sealed class BenchServerEnvironmentTests
{
    [Fact]
    public void The_rows_setting_wins_over_the_users_server_env_which_wins_over_the_stand_ins_and_the_defaults()
    {
        var environment = new BenchServerEnvironment("token", "AC1", "https://bench.invalid", "/tmp/data")
            .WithProviders(new Dictionary<string, string> { ["ANTHROPIC_BASE_URL"] = "http://127.0.0.1:9", ["WELCOME_GREETING"] = "" })
            .WithJsonLog(true)
            .WithUserSettings(new Dictionary<string, string> { ["ANTHROPIC_BASE_URL"] = "http://127.0.0.1:10", ["SPECULATIVE_REPLIES"] = "stable", ["LOG_FORMAT"] = "text" })
            .WithRowSetting("SPECULATIVE_REPLIES", "off")
            .Build();

        Assert.Equal("off", environment["SPECULATIVE_REPLIES"]); // the row is what the table says it is
        Assert.Equal("http://127.0.0.1:10", environment["ANTHROPIC_BASE_URL"]); // the user's --server-env over the stand-ins
        Assert.Equal("text", environment["LOG_FORMAT"]);
        Assert.Equal("token", environment["TWILIO_AUTH_TOKEN"]);
        Assert.Equal("AC1", environment["TWILIO_ACCOUNT_SID"]);
        Assert.Equal("https://bench.invalid", environment["PUBLIC_BASE_URL"]);
        Assert.Equal("/tmp/data", environment["DATA_DIR"]);
    }

    [Fact]
    public void Json_logging_is_asked_for_only_when_the_servers_log_is_kept()
    {
        var environment = new BenchServerEnvironment("token", "AC1", "https://bench.invalid", "/tmp/data").WithJsonLog(false).Build();

        Assert.False(environment.ContainsKey("LOG_FORMAT"));
        Assert.Equal("", environment["WELCOME_GREETING"]);
    }
}
