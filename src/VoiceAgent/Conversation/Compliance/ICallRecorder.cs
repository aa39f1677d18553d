namespace VoiceAgent.Conversation.Compliance;

/// <summary>
/// The carrier's call recording, driven by the engine: started once the caller consented (or no consent is asked),
/// paused while card details are keyed in, resumed after. Implemented over the Twilio REST API; a transport whose
/// carrier has no such API gets no recorder (and the call is simply not recorded).
/// </summary>
internal interface ICallRecorder
{
    /// <summary>Starts a dual-channel recording of the live call; returns the recording's id.</summary>
    Task<string> StartAsync(string callSid, CancellationToken cancellationToken);
    /// <summary>Pauses the active recording; false when the carrier says none is active. Throws when it cannot tell.</summary>
    Task<bool> PauseAsync(string callSid, CancellationToken cancellationToken);
    Task ResumeAsync(string callSid, CancellationToken cancellationToken);
    /// <summary>Stops the active recording at the end of the agent's part of the call (best effort: the call may be over).</summary>
    Task StopAsync(string callSid, CancellationToken cancellationToken);
    /// <summary>After the call: fetch the recording, keep it encrypted, remove it from the carrier (when configured).</summary>
    void Archive(string callSid, string recordingSid, string? callerId);
}
