using VoiceAgent.Conversation.Tools;

namespace VoiceAgent.Conversation.Pacing;

/// <summary>What a pacing change means: the voice-speed factor on the audio path and the reply-length instruction.</summary>
public static class PacingChange
{
    public static double SpeedFactor(SpeechPace pace) => pace switch
    {
        SpeechPace.Slower => 0.85,
        SpeechPace.Faster => 1.15,
        _ => 1.0,
    };

    /// <summary>Added to the system prompt while the caller wants shorter replies.</summary>
    public const string ShorterInstruction = "The caller asked for shorter answers: reply in one short sentence unless they ask for detail.";

    internal static string Describe(SpeechPace? pace, ReplyLength? length)
    {
        var parts = new List<string>();
        if (pace is { } p) parts.Add(p == SpeechPace.Normal ? "voice speed back to normal" : $"voice speed {p.ToString().ToLowerInvariant()}");
        if (length is { } l) parts.Add(l == ReplyLength.Shorter ? "replies kept short" : "reply length back to normal");
        return "set " + string.Join(" and ", parts);
    }
}
