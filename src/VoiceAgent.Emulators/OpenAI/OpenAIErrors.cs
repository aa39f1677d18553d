namespace VoiceAgent.Emulators.OpenAI;

/// <summary>Error bodies per HTTP status / error code (protocols/openai-chat-streaming.md §3 and fixtures).</summary>
internal static class OpenAIErrors
{
    public static OpenAIErrorDto ForStatus(int status, string? code) => (status, code) switch
    {
        (401, _) => new() { Message = "Incorrect API key provided.", Type = "invalid_request_error", Code = code ?? "invalid_api_key" },
        (429, "insufficient_quota") => new() { Message = "You exceeded your current quota (emulator).", Type = "insufficient_quota", Code = code },
        (429, _) => new() { Message = "Rate limit reached (emulator)", Type = "requests", Code = code ?? "rate_limit_exceeded" },
        (404, _) => new() { Message = "The model does not exist (emulator).", Type = "invalid_request_error", Code = code ?? "model_not_found" },
        (503, _) => new() { Message = "The server is overloaded (emulator).", Type = "server_error", Code = code ?? "overloaded" },
        ( >= 500, _) => new() { Message = "The server had an error (emulator).", Type = "server_error", Code = code },
        _ => new() { Message = "Invalid request (emulator).", Type = "invalid_request_error", Code = code },
    };

    /// <summary>The in-stream error object for an emulated mid-stream failure with the given code.</summary>
    public static OpenAIErrorDto InStream(string? code) => code switch
    {
        "rate_limit_exceeded" => ForStatus(429, code),
        "overloaded" => ForStatus(503, code),
        _ => ForStatus(500, code ?? "server_error"),
    };

    /// <summary>The HTTP status that stands for an in-stream error code on a non-streamed request.</summary>
    public static int StatusFor(string? code) => code switch
    {
        "rate_limit_exceeded" or "insufficient_quota" => 429,
        "overloaded" => 503,
        _ => 500,
    };
}
