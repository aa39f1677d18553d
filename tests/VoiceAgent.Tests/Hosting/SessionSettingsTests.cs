using Microsoft.Extensions.Configuration;
using VoiceAgent.Hosting;
using VoiceAgent.Hosting.Admin;
using VoiceAgent.Storage.Sessions;

namespace VoiceAgent.Tests.Hosting;

/// <summary>Session store, drain and admin settings: documented defaults, every error listed with its fix.</summary>
public sealed class SessionSettingsTests
{
    private static VoiceAgentSettings From(params (string Key, string Value)[] values)
        => VoiceAgentSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    [Fact]
    public void Defaults_keep_state_in_process_for_an_hour_and_twenty_turns()
    {
        var settings = From();

        Assert.Null(settings.RedisUrl);
        Assert.Equal((TimeSpan.FromHours(1), 20, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(30)),
            (settings.SessionTtl, settings.SessionMaxTurns, settings.CallbackResumeWindow, settings.DrainTimeout));
        Assert.Null(settings.AdminToken);
    }

    [Fact]
    public void Each_session_setting_is_read_from_its_variable()
    {
        var settings = From(("REDIS_URL", "redis://cache:6380/2"), ("SESSION_TTL_SECONDS", "120"), ("SESSION_MAX_TURNS", "5"),
            ("CALLBACK_RESUME_WINDOW_SECONDS", "0"), ("DRAIN_TIMEOUT_SECONDS", "7"), ("ADMIN_TOKEN", "admin-token-of-16+chars"));

        Assert.Equal(("redis://cache:6380/2", TimeSpan.FromSeconds(120), 5, TimeSpan.Zero, TimeSpan.FromSeconds(7), "admin-token-of-16+chars"),
            (settings.RedisUrl, settings.SessionTtl, settings.SessionMaxTurns, settings.CallbackResumeWindow, settings.DrainTimeout, settings.AdminToken));
        Assert.Empty(settings.Validate());
    }

    [Fact]
    public void Bad_session_settings_are_all_listed()
    {
        var errors = From(("REDIS_URL", "cache:6379"), ("SESSION_TTL_SECONDS", "5"), ("SESSION_MAX_TURNS", "0"),
            ("CALLBACK_RESUME_WINDOW_SECONDS", "-1"), ("DRAIN_TIMEOUT_SECONDS", "99999")).Validate();

        Assert.Equal(5, errors.Count);
        foreach (var name in new[] { "REDIS_URL", "SESSION_TTL_SECONDS", "SESSION_MAX_TURNS", "CALLBACK_RESUME_WINDOW_SECONDS", "DRAIN_TIMEOUT_SECONDS" })
            Assert.Contains(errors, e => e.Contains(name, StringComparison.Ordinal));
    }

    [Fact]
    public void A_redis_url_gives_host_port_database_password_and_tls()
    {
        var (options, error) = RedisConnection.Parse("rediss://user:p%40ss@cache.example.com:6380/3");

        Assert.Null(error);
        Assert.Equal("cache.example.com:6380", options!.EndPoints[0].ToString()!.Replace("Unspecified/", "", StringComparison.Ordinal));
        Assert.Equal((true, "user", "p@ss", 3), (options.Ssl, options.User, options.Password, options.DefaultDatabase));
        Assert.False(options.AbortOnConnectFail);
    }

    [Theory]
    [InlineData(null, "Bearer anything")]
    [InlineData("secret-token", "")]
    [InlineData("secret-token", "Bearer secret-tokeN")]
    [InlineData("secret-token", "Basic secret-token")]
    public void The_admin_token_check_fails_closed(string? configured, string header)
        => Assert.False(AdminAuthorization.IsAuthorized(configured, header));

    [Fact]
    public void The_admin_token_check_accepts_the_configured_bearer_token()
        => Assert.True(AdminAuthorization.IsAuthorized("secret-token", "Bearer secret-token"));

    [Theory]
    [InlineData("+14155550100", "+*******0100")]
    [InlineData("+44 20 7946 0958", "+** ** **** 0958")]
    [InlineData("12345", "***45")]
    public void Phone_numbers_in_admin_listings_keep_only_their_last_digits(string number, string masked)
        => Assert.Equal(masked, PhoneNumberMask.Mask(number));
}
