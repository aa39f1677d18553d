namespace VoiceAgent.Emulators.ChatScript;

/// <summary>A tool call the client sent back as history (an assistant <c>tool_use</c> block / <c>tool_calls</c> entry).</summary>
public sealed record RecordedToolUse(string Id, string Name, string ArgumentsJson);
