namespace VoiceAgent.Speech.Pipeline;

/// <summary>When speculative replies start on the caller's words before the end of the turn is confirmed.</summary>
public enum SpeculationMode
{
    /// <summary>Never: the model is asked only once the turn has ended (<c>speech_final</c> or <c>UtteranceEnd</c>).</summary>
    Off,
    /// <summary>On a final transcript (<c>is_final</c>) that arrives before the end of the turn, once the caller is silent.</summary>
    Final,
    /// <summary>As <see cref="Final"/>, and also on interim words that have not changed for the stable time while the caller is silent.</summary>
    Stable,
}

/// <summary>What the pipeline does after a transcript: nothing, or withdraw a speculation the caller's new words made stale.</summary>
internal enum SpeculationStep
{
    None,
    Withdraw,
}

/// <summary>
/// Decides, in audio time, when the words heard so far are stable enough to start the model before the turn is
/// confirmed, and when a speculation is stale because the caller went on. Owned by the speech pipeline's loop; fed
/// with the whole utterance so far (finals joined, plus the latest interim) after every transcript, and polled with
/// the caller's voice activity on every inbound frame while a candidate waits.
/// </summary>
internal sealed class SpeculationDecision(SpeculationMode mode, TimeSpan stableFor, long timestampFrequency)
{
    private readonly long _stableTicks = (long)(stableFor.TotalSeconds * timestampFrequency);
    private string _candidate = "";
    private bool _candidateFinal;
    private long _changedAt;

    /// <summary>The words a speculation was started on and not yet withdrawn or ended; null: none.</summary>
    public string? Speculated { get; private set; }

    /// <summary>True while there are words that could start a speculation (poll <see cref="ShouldStart"/>).</summary>
    public bool Waiting => mode != SpeculationMode.Off && Speculated is null && _candidate.Length > 0 && (_candidateFinal || mode == SpeculationMode.Stable);

    /// <summary>
    /// The utterance so far is <paramref name="text"/> (<paramref name="final"/>: all of it from final transcripts). New
    /// words make a running speculation stale (<see cref="SpeculationStep.Withdraw"/>) and restart the stable time.
    /// </summary>
    public SpeculationStep Heard(string text, bool final, long now)
    {
        text = text.Trim();
        if (Conversation.SpokenWords.Same(text, _candidate))
        {
            _candidateFinal |= final;
            return SpeculationStep.None;
        }
        _candidate = text;
        _candidateFinal = final;
        _changedAt = now;
        if (Speculated is null || Conversation.SpokenWords.Same(text, Speculated)) return SpeculationStep.None;
        Speculated = null;
        return SpeculationStep.Withdraw;
    }

    /// <summary>
    /// True (once per candidate) when a speculation should start now on <see cref="Speculated"/>: the caller is
    /// silent and the words are final, or (in <see cref="SpeculationMode.Stable"/>) unchanged for the stable time.
    /// </summary>
    public bool ShouldStart(long now, bool callerSilent)
    {
        if (!Waiting || !callerSilent) return false;
        if (!_candidateFinal && now - _changedAt < _stableTicks) return false;
        Speculated = _candidate;
        return true;
    }

    /// <summary>The turn ended (confirmed or dropped): returns the words speculated on, if any, and starts afresh.</summary>
    public string? TurnEnded()
    {
        var speculated = Speculated;
        Speculated = null;
        _candidate = "";
        _candidateFinal = false;
        _changedAt = 0;
        return speculated;
    }
}
