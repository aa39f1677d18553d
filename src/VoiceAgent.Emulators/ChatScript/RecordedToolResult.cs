namespace VoiceAgent.Emulators.ChatScript;

/// <summary>A tool result the client sent (a <c>tool_result</c> block / <c>role:"tool"</c> message).</summary>
public sealed record RecordedToolResult(string ToolUseId, string Content);
