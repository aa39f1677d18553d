using Microsoft.Extensions.Logging.Console;

namespace VoiceAgent.Server;

/// <summary>
/// LOG_FORMAT: <c>simple</c> (default, the console's human-readable lines) or <c>json</c> (one JSON object per
/// event and line, from Microsoft.Extensions.Logging.Console's JSON formatter: UTC ISO-8601 <c>Timestamp</c>,
/// <c>EventId</c>, <c>LogLevel</c>, <c>Category</c>, <c>Message</c> and the event's named fields under
/// <c>State</c>, e.g. <c>CallId</c> and <c>TurnId</c>). <c>voiceagent analyze</c> reads the JSON form.
/// </summary>
internal static class LogFormat
{
    public const string Key = "LOG_FORMAT";

    /// <summary>Applies LOG_FORMAT to the console logger; an unknown value stops start-up with the fix.</summary>
    public static void Apply(ILoggingBuilder logging, IConfiguration configuration)
    {
        var value = configuration[Key]?.Trim();
        if (string.IsNullOrEmpty(value) || value.Equals("simple", StringComparison.OrdinalIgnoreCase)) return;
        if (!value.Equals("json", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{Key}='{value}' is not a log format: set {Key}=json for one JSON object per line, or {Key}=simple (the default).");
        logging.AddJsonConsole(options =>
        {
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            options.IncludeScopes = false;
            options.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
        });
    }
}
