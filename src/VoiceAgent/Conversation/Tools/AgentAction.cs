namespace VoiceAgent.Conversation.Tools;

/// <summary>A call-control action the model chose through a tool call. Never inferred from its prose.</summary>
internal abstract record AgentAction
{
    /// <summary>Ends the session (the carrier takes over); nothing is said after it.</summary>
    public virtual bool EndsCall => false;
}

/// <summary>
/// Hand the caller to a person through the warm transfer (ends the session with live-agent hand-off data); the
/// person hears <paramref name="Reason"/> and <paramref name="Summary"/> before joining.
/// </summary>
internal sealed record EscalateToHuman(string Reason, string Summary, EscalationTrigger Trigger) : AgentAction
{
    public override bool EndsCall => true;
}

/// <summary>Say goodbye and hang up.</summary>
internal sealed record HangUp(string Reason) : AgentAction
{
    public override bool EndsCall => true;
}

/// <summary>Switch speech recognition and synthesis to another language.</summary>
internal sealed record ChangeLanguage(string Language) : AgentAction;

/// <summary>Send DTMF tones to the far end (e.g. to navigate another IVR on the caller's behalf).</summary>
internal sealed record PressDigits(string Digits) : AgentAction;

/// <summary>Play the configured hold music while something takes time.</summary>
internal sealed record PlayHoldMusic : AgentAction;
