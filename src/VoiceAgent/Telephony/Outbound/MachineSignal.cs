namespace VoiceAgent.Telephony.Outbound;

/// <summary>What our own answering-machine detector heard on the audio path.</summary>
public enum MachineSignal
{
    /// <summary>Unbroken speech from the answer on, longer than a person's "hello": a recorded greeting.</summary>
    LongGreeting,
    /// <summary>A pure tone of a voicemail beep.</summary>
    Beep,
    /// <summary>A beep after a long greeting: a machine ready to record.</summary>
    BeepAfterLongGreeting,
}
