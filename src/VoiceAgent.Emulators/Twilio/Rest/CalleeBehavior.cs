namespace VoiceAgent.Emulators.Twilio.Rest;

/// <summary>Who (or what) picks up an emulated outbound call.</summary>
public enum CalleeAnswer
{
    Person,
    Machine,
    Busy,
    NoAnswer,
    Failed,
    KeepsRinging,
}

/// <summary>
/// How the emulated callee behaves: answers as a person or an answering machine (greeting, then a beep), or the call
/// ends busy / no-answer / failed. Whether Twilio's async AMD result is sent, and what it says, can be chosen too.
/// </summary>
public sealed record CalleeBehavior(CalleeAnswer Answer)
{
    public static CalleeBehavior Person => new(CalleeAnswer.Person);
    public static CalleeBehavior Machine => new(CalleeAnswer.Machine);
    public static CalleeBehavior Busy => new(CalleeAnswer.Busy);
    public static CalleeBehavior NoAnswer => new(CalleeAnswer.NoAnswer);
    public static CalleeBehavior Failed => new(CalleeAnswer.Failed);
    /// <summary>Rings until the call is cancelled over REST (a caller hanging up before the callee answers).</summary>
    public static CalleeBehavior KeepsRinging => new(CalleeAnswer.KeepsRinging);

    /// <summary>Post the async AMD result when the call asked for it (Twilio always does; false tests our own detector).</summary>
    public bool SendAmdResult { get; init; } = true;

    /// <summary>The <c>AnsweredBy</c> to report instead of the right one (a wrong verdict).</summary>
    public string? AnsweredByOverride { get; init; }

    /// <summary>The machine's recorded greeting (spoken audio on Media Streams, a transcribed prompt on ConversationRelay).</summary>
    public string MachineGreeting { get; init; } = "Hi, you have reached Alex. I can't take your call right now. Please leave your name and number after the tone.";

    /// <summary>What a person says after the agent's opening before hanging up; null leaves the conversation to the test.</summary>
    public string? PersonSays { get; init; }

    /// <summary>The emulator's offline conventions (documented in docs/outbound.md): the number's last digit picks the callee.</summary>
    public static CalleeBehavior ForOfflineNumber(string to) => to[^1] switch
    {
        '1' => Machine,
        '2' => Busy,
        '3' => NoAnswer,
        '4' => Failed,
        _ => Person with { PersonSays = "Yes, now is fine. What is this about?" },
    };
}
