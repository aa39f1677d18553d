using System.Text;

namespace VoiceAgent.Conversation.Escalation;

/// <summary>Normalises what the caller said for the cheap scorers: lower case, letters/digits/apostrophes, single spaces.</summary>
internal static class CallerText
{
    public static string Normalise(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = true;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || c is '\'' or '’')
            {
                sb.Append(c == '’' ? '\'' : char.ToLowerInvariant(c));
                space = false;
            }
            else if (!space)
            {
                sb.Append(' ');
                space = true;
            }
        }
        return sb.ToString().TrimEnd();
    }

    public static string[] Words(string normalised) => normalised.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A caller's words for a brief: trimmed to <paramref name="max"/> characters.</summary>
    public static string Quote(string text, int max = 160)
    {
        var t = text.Trim();
        return t.Length <= max ? t : t[..max].TrimEnd() + "…";
    }
}
