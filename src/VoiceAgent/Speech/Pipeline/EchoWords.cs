namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// The transcript as a second line against echo: words STT heard while the agent speaks that are (nearly all) words the
/// agent itself is saying are its own voice coming back, not the caller. Such words do not confirm a barge-in, so a
/// barge-in set off by echo ends as a false interruption and the agent resumes.
/// </summary>
internal static class EchoWords
{
    /// <summary>Share of the heard words that must be the agent's own for the text to count as echo.</summary>
    public const double EchoShare = 0.8;

    /// <summary>True when at least <see cref="EchoShare"/> of the words in <paramref name="heard"/> occur in <paramref name="agentText"/>.</summary>
    public static bool AreAgentsOwn(string heard, string agentText)
    {
        var words = Words(heard);
        if (words.Count == 0 || agentText.Length == 0) return false;
        var agent = new HashSet<string>(Words(agentText), StringComparer.Ordinal);
        var own = words.Count(agent.Contains);
        return own >= EchoShare * words.Count;
    }

    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || c == '\'') current.Append(char.ToLowerInvariant(c));
            else if (current.Length > 0) { words.Add(current.ToString()); current.Clear(); }
        }
        if (current.Length > 0) words.Add(current.ToString());
        return words;
    }
}
