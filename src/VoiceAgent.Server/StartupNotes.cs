namespace VoiceAgent.Server;

/// <summary>What start-up decided that an operator must see: emulated providers, bypassed or local credentials.</summary>
internal sealed partial class StartupNotes
{
    public List<string> Emulated { get; } = [];
    public bool BypassIgnored { get; set; }
    public string? DevCredentialsDir { get; set; }

    public void Report(ILogger logger, VoiceAgent.Hosting.VoiceAgentSettings settings)
    {
        foreach (var emulated in Emulated) LogEmulated(logger, emulated);
        if (settings.DevBypassSignature) LogBypass(logger);
        if (BypassIgnored) LogBypassIgnored(logger);
        if (DevCredentialsDir is not null) LogDevCredentials(logger, DevCredentialsDir);
        LogReady(logger, settings.PublicBaseUrl, settings.EffectiveLlmProvider);
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "OFFLINE MODE: no provider key set, using the local emulator: {What}")]
    private static partial void LogEmulated(ILogger logger, string what);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Critical, Message = "!!! DEV_BYPASS_SIGNATURE=true: Twilio signatures are NOT checked. Anyone can open calls on this server. Development only. !!!")]
    private static partial void LogBypass(ILogger logger);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "DEV_BYPASS_SIGNATURE=true ignored: it is honoured only when ASPNETCORE_ENVIRONMENT=Development. Signatures are checked.")]
    private static partial void LogBypassIgnored(ILogger logger);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "No TWILIO_AUTH_TOKEN: signatures stay on with a local development token in {Dir} (the softphone signs with it). Real Twilio calls need TWILIO_AUTH_TOKEN.")]
    private static partial void LogDevCredentials(ILogger logger, string dir);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Voice agent ready: public base URL {PublicBaseUrl}, model provider {Provider}")]
    private static partial void LogReady(ILogger logger, string publicBaseUrl, string provider);
}
