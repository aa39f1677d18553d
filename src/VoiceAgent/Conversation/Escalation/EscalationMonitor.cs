namespace VoiceAgent.Conversation.Escalation;

/// <summary>
/// Watches one call's caller turns for the escalation triggers the options switch on: the caller asking for a
/// person, the same question asked <see cref="EscalationOptions.LoopRepeatCount"/> times, strongly negative words
/// across <see cref="EscalationOptions.SentimentWindowTurns"/> turns. Owned by the call's one writer (not thread-safe).
/// </summary>
internal sealed class EscalationMonitor(EscalationOptions options)
{
    private readonly List<(string Text, IReadOnlySet<string> Words)> _questions = [];
    private readonly List<int> _scores = [];

    /// <summary>Records a final caller utterance; returns the escalation it triggers, if any.</summary>
    public EscalationDecision? Observe(string text)
    {
        var normalised = CallerText.Normalise(text);
        var words = QuestionSimilarity.ContentWords(normalised);
        _questions.Add((text, words));
        if (_questions.Count > options.LoopWindowTurns) _questions.RemoveAt(0);
        _scores.Add(SentimentScorer.Score(normalised));
        if (_scores.Count > options.SentimentWindowTurns) _scores.RemoveAt(0);

        if (options.OnCallerRequest && PersonRequestClassifier.AsksForPerson(normalised))
        {
            var before = _questions.Count > 1 ? _questions[^2].Text : null;
            return new EscalationDecision(EscalationTrigger.CallerRequest, "the caller asked for a person",
                before is null ? "The caller asked for a person straight away." : $"The caller asked for a person; before that they said: \"{CallerText.Quote(before)}\".");
        }
        if (options.OnLoop)
        {
            var same = 0;
            for (var i = 0; i < _questions.Count - 1; i++)
                if (QuestionSimilarity.Of(_questions[i].Words, words) >= options.LoopSimilarity) same++;
            if (same + 1 >= options.LoopRepeatCount)
                return new EscalationDecision(EscalationTrigger.Loop, "the caller asked the same question several times without an answer",
                    $"The caller asked {same + 1} times: \"{CallerText.Quote(text)}\".");
        }
        if (options.OnSentiment && _scores.Count >= options.SentimentMinNegativeTurns)
        {
            var sum = _scores.Sum();
            var negative = _scores.Count(s => s <= -2);
            if (sum <= options.SentimentThreshold && negative >= options.SentimentMinNegativeTurns)
                return new EscalationDecision(EscalationTrigger.Sentiment, "the caller is upset",
                    $"The caller is upset; they last said: \"{CallerText.Quote(text)}\".");
        }
        return null;
    }
}

/// <summary>An escalation a trigger decided: which, why, and the one-sentence summary for the person who takes the call.</summary>
internal sealed record EscalationDecision(EscalationTrigger Trigger, string Reason, string Summary);
