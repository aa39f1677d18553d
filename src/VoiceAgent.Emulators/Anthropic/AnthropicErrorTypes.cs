namespace VoiceAgent.Emulators.Anthropic;

/// <summary>Documented <c>error.type</c> per HTTP status (protocols/anthropic-messages-streaming.md §3).</summary>
internal static class AnthropicErrorTypes
{
    public const string Overloaded = "overloaded_error";

    public static string ForStatus(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => Overloaded,
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    public static int StatusFor(string? errorType) => errorType switch
    {
        "invalid_request_error" => 400,
        "authentication_error" => 401,
        "permission_error" => 403,
        "not_found_error" => 404,
        "request_too_large" => 413,
        "rate_limit_error" => 429,
        "api_error" => 500,
        _ => 529,
    };

    public static string MessageFor(string errorType) => errorType switch
    {
        Overloaded => "Overloaded",
        "rate_limit_error" => "Rate limited (emulator)",
        "authentication_error" => "invalid x-api-key",
        "invalid_request_error" => "Invalid request (emulator)",
        _ => $"Emulated {errorType}",
    };
}
