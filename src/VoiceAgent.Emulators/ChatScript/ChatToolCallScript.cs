namespace VoiceAgent.Emulators.ChatScript;

/// <summary>A tool call the emulated model makes: the tool's name and its arguments as a JSON object text.</summary>
/// <param name="Name">Tool (function) name, as declared by the client.</param>
/// <param name="ArgumentsJson">Arguments as JSON object text, streamed in fragments.</param>
/// <param name="Id">Call id; null lets the emulator assign a provider-shaped one.</param>
public sealed record ChatToolCallScript(string Name, string ArgumentsJson, string? Id = null);
