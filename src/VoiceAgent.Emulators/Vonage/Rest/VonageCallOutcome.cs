namespace VoiceAgent.Emulators.Vonage.Rest;

/// <summary>
/// What happens when the emulator dials a number: answered (runs the NCCO), one of Vonage's unanswered ends (each posted
/// as that <c>status</c> to the leg's event URL), or <see cref="KeepsRinging"/> until the leg is hung up over REST.
/// </summary>
public enum VonageCallOutcome
{
    Answered,
    Busy,
    Timeout,
    Unanswered,
    Rejected,
    Failed,
    KeepsRinging,
}
