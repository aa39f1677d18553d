namespace VoiceAgent.Emulators.OpenAI;

// Error envelope, HTTP and in-stream (protocols/openai-chat-streaming.md §3).

internal sealed class OpenAIErrorEnvelope
{
    public required OpenAIErrorDto Error { get; init; }
}

internal sealed class OpenAIErrorDto
{
    public required string Message { get; init; }
    public required string Type { get; init; }
    public string? Param { get; init; }
    public string? Code { get; init; }
}
