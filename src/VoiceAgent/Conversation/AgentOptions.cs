namespace VoiceAgent.Conversation;

/// <summary>How the agent converses: persona, memory, what it says when things go wrong, keypad bindings.</summary>
public sealed record AgentOptions
{
    /// <summary>Persona and rules (loaded from the configured prompt file). Never holds per-call data.</summary>
    public string SystemPrompt { get; init; } = "You are a helpful phone agent. Keep replies short and speakable.";

    /// <summary>How many caller/agent exchanges the model sees (the call context is always kept).</summary>
    public int HistoryTurns { get; init; } = 8;

    /// <summary>
    /// Characters one stored turn keeps in history, session snapshots and the transcript (<c>HISTORY_REPLY_MAX_CHARS</c>);
    /// longer text is cut at a word with a marker (<see cref="History.StoredTextCap"/>).
    /// </summary>
    public int HistoryTextMaxChars { get; init; } = History.StoredTextCap.DefaultMaxChars;

    /// <summary>What Twilio says when the call connects; recorded in history so the model knows it was said.</summary>
    public string? WelcomeGreeting { get; init; } = "Hi, thanks for calling. How can I help?";

    /// <summary>Spoken when the model fails (rate limit, overload, timeout, dropped stream); the call continues.</summary>
    public string FallbackLine { get; init; } = "Sorry, I'm having trouble right now. Could you say that again?";

    /// <summary>Said instead of the greeting when a call comes back after its socket dropped (failover).</summary>
    public string ReconnectLine { get; init; } = "Sorry, I lost you for a second. Where were we?";

    /// <summary>Said instead of the greeting when the caller rings back within the call-back window.</summary>
    public string CallbackGreeting { get; init; } = "Welcome back. Would you like to pick up where we left off?";

    /// <summary>Spoken before a hand-off to a person.</summary>
    public string OperatorLine { get; init; } = "Let me connect you with a person. One moment please.";

    /// <summary>
    /// Said (audio path) when speech recognition or synthesis fails for good, before the call is handed to a person;
    /// spoken through a last bounded synthesis attempt, and the hand-off happens even if that fails too.
    /// </summary>
    public string SpeechFailureLine { get; init; } = "Sorry, I'm having trouble with the line. Let me connect you with a person.";

    /// <summary>Spoken before the agent ends the call.</summary>
    public string GoodbyeLine { get; init; } = "Thanks for calling. Goodbye.";

    /// <summary>Publicly fetchable audio the <c>play_hold_music</c> tool plays; null offers no such tool.</summary>
    public string? HoldMusicUrl { get; init; }

    /// <summary>Keypad digits bound to actions; other digits reach the model as caller input.</summary>
    public IReadOnlyDictionary<string, DtmfAction> DtmfBindings { get; init; } = new Dictionary<string, DtmfAction>
    {
        ["0"] = DtmfAction.Operator,
        ["*"] = DtmfAction.Repeat,
    };

    /// <summary>Tool steps per turn, the filler line while a slow tool runs, the tool timeout.</summary>
    public ToolOptions Tools { get; init; } = new();

    /// <summary>Which signals hand the caller to a person through the warm transfer.</summary>
    public EscalationOptions Escalation { get; init; } = new();

    /// <summary>Lists every configuration error with a hint; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(SystemPrompt)) errors.Add("SystemPrompt is empty: point SYSTEM_PROMPT_FILE at a persona file.");
        if (HistoryTurns is < 1 or > 200) errors.Add($"HistoryTurns must be 1..200 (got {HistoryTurns}).");
        if (HistoryTextMaxChars is < History.StoredTextCap.MinMaxChars or > History.StoredTextCap.MaxMaxChars)
            errors.Add($"HistoryTextMaxChars must be {History.StoredTextCap.MinMaxChars}..{History.StoredTextCap.MaxMaxChars} (got {HistoryTextMaxChars}).");
        if (string.IsNullOrWhiteSpace(FallbackLine)) errors.Add("FallbackLine is empty: the caller would hear silence when the model fails.");
        if (string.IsNullOrWhiteSpace(SpeechFailureLine)) errors.Add("SpeechFailureLine is empty: the caller would hear nothing before a hand-off when speech fails.");
        if (HoldMusicUrl is not null && !(Uri.TryCreate(HoldMusicUrl, UriKind.Absolute, out var music) && music.Scheme is "http" or "https"))
            errors.Add($"HoldMusicUrl must be an absolute http(s) URL (got '{HoldMusicUrl}').");
        errors.AddRange(Tools.Validate());
        errors.AddRange(Escalation.Validate());
        foreach (var digit in DtmfBindings.Keys)
        {
            if (digit.Length != 1 || !"0123456789*#".Contains(digit[0], StringComparison.Ordinal))
                errors.Add($"DTMF binding '{digit}' is not a keypad key (0-9, *, #).");
        }
        return errors;
    }
}

/// <summary>What a bound keypad digit does.</summary>
public enum DtmfAction
{
    /// <summary>Say the last reply again.</summary>
    Repeat,
    /// <summary>Hand the call to a person (ends the session with hand-off data).</summary>
    Operator,
    /// <summary>Say goodbye and end the call.</summary>
    End,
}
