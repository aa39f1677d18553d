using VoiceAgent.Conversation.Compliance;
using VoiceAgent.Storage.Recordings;

namespace VoiceAgent.Telephony.Twilio.Rest;

/// <summary>Call recording over Twilio's REST API: dual channel, paused with <c>Twilio.CURRENT</c> around card entry.</summary>
internal sealed class TwilioCallRecorder(TwilioRecordingsClient rest, RecordingArchive? archive) : ICallRecorder
{
    public Task<string> StartAsync(string callSid, CancellationToken cancellationToken) => rest.StartAsync(callSid, cancellationToken);

    public async Task<bool> PauseAsync(string callSid, CancellationToken cancellationToken)
    {
        try
        {
            await rest.UpdateCurrentAsync(callSid, "paused", cancellationToken);
            return true;
        }
        catch (TwilioRestException ex) when (ex.Status == 404)
        {
            return false; // no active recording on this call
        }
    }

    public Task ResumeAsync(string callSid, CancellationToken cancellationToken) => rest.UpdateCurrentAsync(callSid, "in-progress", cancellationToken);

    public Task StopAsync(string callSid, CancellationToken cancellationToken) => rest.UpdateCurrentAsync(callSid, "stopped", cancellationToken);

    public void Archive(string callSid, string recordingSid, string? callerId) => archive?.Enqueue(callSid, recordingSid, callerId);
}
