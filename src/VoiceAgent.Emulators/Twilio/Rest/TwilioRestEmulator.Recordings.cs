using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace VoiceAgent.Emulators.Twilio.Rest;

public sealed partial class TwilioRestEmulator
{
    /// <summary>Call recordings (create, pause/resume/stop, fetch, delete).</summary>
    public TwilioRecordingsEmulator Recordings { get; } = new();

    private void MapRecordings(WebApplication app) => Recordings.Map(app, (context, account) =>
    {
        if (!Authorized(context.Request.Headers.Authorization.ToString()) || account != accountSid) return Error(401, 20003, "Authenticate");
        return _faults.TryDequeue(out var status) ? Error(status, status == 404 ? 20404 : 20500, "Injected fault (emulator)") : null;
    });
}
