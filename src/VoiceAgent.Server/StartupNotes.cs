using VoiceAgent.Observability;

namespace VoiceAgent.Server;

/// <summary>What start-up decided that an operator must see: emulated providers, bypassed or local credentials.</summary>
internal sealed partial class StartupNotes
{
    public List<string> Emulated { get; } = [];
    /// <summary>No provider key at all: everything runs on the emulators.</summary>
    public bool Offline { get; set; }
    public bool BypassIgnored { get; set; }
    public string? DevCredentialsDir { get; set; }
    public string? DevVonageSecretDir { get; set; }

    public void Report(ILogger logger, VoiceAgent.Hosting.VoiceAgentSettings settings)
    {
        foreach (var emulated in Emulated)
        {
            if (Offline) LogEmulated(logger, emulated);
            else LogEmulatedOnRequest(logger, emulated);
        }
        var availability = VoiceAgent.Hosting.TransportAvailability.From(settings);
        if (!availability.Relay) LogTransportOff(logger, "ConversationRelay", string.Join(", ", availability.RelayMissing));
        if (!availability.Audio) LogTransportOff(logger, "Media Streams and Vonage", string.Join(", ", availability.AudioMissing));
        if (settings.DevBypassSignature) LogBypass(logger);
        if (BypassIgnored) LogBypassIgnored(logger);
        if (DevCredentialsDir is not null) LogDevCredentials(logger, DevCredentialsDir);
        if (DevVonageSecretDir is not null) LogDevVonageSecret(logger, DevVonageSecretDir);
        else if (settings.VonageSignatureSecret is null) LogVonageRefused(logger);
        LogReady(logger, settings.PublicBaseUrl, settings.EffectiveLlmProvider);
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "OFFLINE MODE: no provider key set, using the local emulator: {What}")]
    private static partial void LogEmulated(ILogger logger, string what);

    [LoggerMessage(EventId = EventIds.EmulatorsOnRequest, Level = LogLevel.Warning, Message = "USE_EMULATORS=true: a provider without a key is served by the local emulator: {What}. Never use this in production.")]
    private static partial void LogEmulatedOnRequest(ILogger logger, string what);

    [LoggerMessage(EventId = EventIds.TransportDisabled, Level = LogLevel.Error, Message = "{Transport} calls will be REFUSED: missing {Missing}. Set them (or USE_EMULATORS=true for local testing only).")]
    private static partial void LogTransportOff(ILogger logger, string transport, string missing);

    [LoggerMessage(EventId = EventIds.DevVonageSecret, Level = LogLevel.Warning, Message = "No VONAGE_SIGNATURE_SECRET: Vonage webhooks are verified with a local development secret in {Dir} (the emulated Vonage signs with it). Real Vonage calls need VONAGE_SIGNATURE_SECRET.")]
    private static partial void LogDevVonageSecret(ILogger logger, string dir);

    [LoggerMessage(EventId = EventIds.VonageWebhooksRefused, Level = LogLevel.Information, Message = "No VONAGE_SIGNATURE_SECRET: Vonage calls are refused (set it to the account's signature secret to take them).")]
    private static partial void LogVonageRefused(ILogger logger);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Critical, Message = "!!! DEV_BYPASS_SIGNATURE=true: Twilio signatures are NOT checked. Anyone can open calls on this server. Development only. !!!")]
    private static partial void LogBypass(ILogger logger);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "DEV_BYPASS_SIGNATURE=true ignored: it is honoured only when ASPNETCORE_ENVIRONMENT=Development. Signatures are checked.")]
    private static partial void LogBypassIgnored(ILogger logger);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "No TWILIO_AUTH_TOKEN: signatures stay on with a local development token in {Dir} (the softphone signs with it). Real Twilio calls need TWILIO_AUTH_TOKEN.")]
    private static partial void LogDevCredentials(ILogger logger, string dir);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Voice agent ready: public base URL {PublicBaseUrl}, model provider {Provider}")]
    private static partial void LogReady(ILogger logger, string publicBaseUrl, string provider);
}
