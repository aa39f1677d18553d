namespace VoiceAgent.Emulators.ChatScript;

/// <summary>One message of a recorded request, as it was on the wire.</summary>
/// <param name="Role">Wire role (<c>user</c>, <c>assistant</c>, and for OpenAI also <c>system</c>, <c>developer</c>, <c>tool</c>).</param>
/// <param name="Text">All text parts joined.</param>
public sealed record RecordedChatMessage(string Role, string Text)
{
    /// <summary>Tool calls carried by an assistant message.</summary>
    public IReadOnlyList<RecordedToolUse> ToolUses { get; init; } = [];

    /// <summary>Tool results carried by the message.</summary>
    public IReadOnlyList<RecordedToolResult> ToolResults { get; init; } = [];
}
