using VoiceAgent.Emulators.Twilio.Rest;
using VoiceAgent.Hosting;

namespace VoiceAgent.Server;

/// <summary>
/// In the full offline mode, outbound calls go to the Twilio REST emulator, which rings back to this server and
/// answers by the number's last digit (1 machine, 2 busy, 3 no answer, 4 failed, else a person): see docs/outbound.md.
/// Only with the development credentials and the default API base URL, so a deployment never dials an emulator.
/// </summary>
internal static partial class OfflineTwilioRest
{
    public static async Task<TwilioRestEmulator?> StartAsync(VoiceAgentSettings settings, StartupNotes startup, List<IAsyncDisposable> emulators, CancellationToken ct)
    {
        if (!startup.Offline || startup.DevCredentialsDir is null || settings.TwilioApiBaseUrl != new VoiceAgentSettings().TwilioApiBaseUrl
            || settings.TwilioAccountSid is not { } sid || settings.TwilioAuthToken is not { } token) return null;
        var emulator = new TwilioRestEmulator(sid, token) { DefaultCallee = CalleeBehavior.ForOfflineNumber };
        await emulator.StartAsync(cancellationToken: ct);
        emulators.Add(emulator);
        startup.Emulated.Add($"Twilio REST (outbound calls) at {emulator.BaseUrl} (callees are EMULATED: last digit 1 machine, 2 busy, 3 no answer, 4 failed, else a person)");
        return emulator;
    }

    /// <summary>Logs what the emulated callee heard and said once each emulated call ends (the caller-side transcript).</summary>
    public static void LogCalleeTranscripts(TwilioRestEmulator? emulator, ILoggerFactory logs)
    {
        if (emulator is null) return;
        var logger = logs.CreateLogger("VoiceAgent.Emulators.Twilio.Callee");
        emulator.CallEnded = call => LogTranscript(logger, call.Sid, call.Ended.IsCompletedSuccessfully ? call.Ended.Result : "?", string.Join(Environment.NewLine, call.Transcript.Select(l => "  " + l)));
    }

    [LoggerMessage(EventId = 8420, Level = LogLevel.Information, Message = "Emulated callee of {CallSid} ({Status}) heard and said:\n{Transcript}")]
    private static partial void LogTranscript(ILogger logger, string callSid, string status, string transcript);
}
