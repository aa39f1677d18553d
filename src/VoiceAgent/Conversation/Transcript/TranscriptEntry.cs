using System.Text.Json.Serialization;

namespace VoiceAgent.Conversation.Transcript;

/// <summary>What kind of moment a transcript entry records.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TranscriptEntryKind>))]
public enum TranscriptEntryKind
{
    /// <summary>The caller said something (a final utterance).</summary>
    Caller,
    /// <summary>The agent spoke; when interrupted, <see cref="TranscriptEntry.Text"/> is what the caller heard.</summary>
    Agent,
    /// <summary>The caller pressed a key.</summary>
    Digit,
    /// <summary>The agent took a call-control action (hand-off, hang-up, language switch, digits, hold music).</summary>
    Action,
}

/// <summary>One moment of a call, stamped with the server's wall clock.</summary>
/// <param name="Text">The words (for an interrupted agent reply: what was heard), the digit, or the action.</param>
/// <param name="Interrupted">An agent reply the caller talked over.</param>
/// <param name="FullText">For an interrupted agent reply: everything the agent had meant to say.</param>
public sealed record TranscriptEntry(
    DateTimeOffset At,
    TranscriptEntryKind Kind,
    string Text,
    bool Interrupted = false,
    string? FullText = null);
