using System.ClientModel;
using System.Net.Sockets;
using System.Text.Json;
using VoiceAgent.Providers.Anthropic;
using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Providers.Resilience;

/// <summary>
/// A model call's failure, classified independently of provider and SDK, with whether trying again (or failing
/// over) can help. Classify with <see cref="Classify"/>, after handling the caller's own cancellation.
/// </summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="IsRetryable">Whether the same request may succeed if sent again (to this or another provider).</param>
/// <param name="StatusCode">The HTTP status, when the failure came with one.</param>
public readonly record struct ProviderFailure(ProviderFailureKind Kind, bool IsRetryable, int? StatusCode = null)
{
    /// <summary>
    /// Maps any exception from our Anthropic client, the OpenAI SDK, the HTTP stack, or the stream watchdog to a
    /// <see cref="ProviderFailure"/>. Pure: no I/O, no state. Wrapper exceptions are unwrapped until a known type
    /// is found. Caller cancellation is not a provider failure: check your own token first (a bare
    /// <see cref="OperationCanceledException"/> classifies as <see cref="ProviderFailureKind.Unknown"/>).
    /// </summary>
    public static ProviderFailure Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var current = exception; current is not null; current = current.InnerException)
            if (TryClassify(current) is { } failure) return failure;
        return new ProviderFailure(ProviderFailureKind.Unknown, IsRetryable: false);
    }

    private static ProviderFailure? TryClassify(Exception exception) => exception switch
    {
        ModelTimeoutException { Kind: ModelTimeoutKind.Stall } => Of(ProviderFailureKind.Stalled),
        ModelTimeoutException => Of(ProviderFailureKind.Timeout),
        AnthropicStreamException stream => FromAnthropicErrorType(stream.ErrorType),
        AnthropicApiException { Status: > 0 } api => FromStatus(api.Status, code: null),
        OpenAIStreamErrorException stream => FromOpenAIError(stream.ErrorType, stream.ErrorCode),
        ClientResultException { Status: > 0 } result => FromStatus(result.Status, OpenAIErrorCode(result)),
        ClientResultException { InnerException: null } => Of(ProviderFailureKind.ConnectionLost),
        HttpRequestException { StatusCode: { } status } => FromStatus((int)status, code: null),
        HttpRequestException { InnerException: null } => Of(ProviderFailureKind.ConnectionLost),
        TimeoutException => Of(ProviderFailureKind.Timeout),
        IOException or SocketException => Of(ProviderFailureKind.ConnectionLost),
        _ => null,
    };

    private static ProviderFailure FromStatus(int status, string? code) => status switch
    {
        429 when code == "insufficient_quota" => new ProviderFailure(ProviderFailureKind.RateLimited, IsRetryable: false, status),
        429 => Of(ProviderFailureKind.RateLimited, status),
        408 or 504 => Of(ProviderFailureKind.Timeout, status),
        529 or 503 => Of(ProviderFailureKind.Overloaded, status),
        >= 500 and <= 599 => Of(ProviderFailureKind.ServerError, status),
        >= 400 and <= 499 => Of(ProviderFailureKind.ClientError, status),
        _ => new ProviderFailure(ProviderFailureKind.Unknown, IsRetryable: false, status),
    };

    private static ProviderFailure FromAnthropicErrorType(string? type) => type switch
    {
        "rate_limit_error" => Of(ProviderFailureKind.RateLimited),
        "overloaded_error" => Of(ProviderFailureKind.Overloaded),
        "timeout_error" => Of(ProviderFailureKind.Timeout),
        "invalid_request_error" or "authentication_error" or "billing_error" or "permission_error" or "not_found_error"
            or "request_too_large" => Of(ProviderFailureKind.ClientError),
        // api_error and anything unrecognised: the server failed after the stream had started.
        _ => Of(ProviderFailureKind.ServerError),
    };

    private static ProviderFailure FromOpenAIError(string? type, string? code) => (type, code) switch
    {
        (_, "insufficient_quota") or ("insufficient_quota", _) => new ProviderFailure(ProviderFailureKind.RateLimited, IsRetryable: false),
        (_, "rate_limit_exceeded") or ("requests" or "tokens", _) => Of(ProviderFailureKind.RateLimited),
        (_, "overloaded") => Of(ProviderFailureKind.Overloaded),
        ("invalid_request_error", _) => Of(ProviderFailureKind.ClientError),
        _ => Of(ProviderFailureKind.ServerError),
    };

    /// <summary>The <c>error.code</c> of an OpenAI error body, when the SDK kept the body.</summary>
    private static string? OpenAIErrorCode(ClientResultException exception)
    {
        try
        {
            var content = exception.GetRawResponse()?.Content;
            if (content is null || content.IsEmpty) return null;
            return JsonSerializer.Deserialize(content.ToMemory().Span, OpenAIProviderJsonContext.Default.OpenAIErrorEnvelopeDto)?.Error?.Code;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static ProviderFailure Of(ProviderFailureKind kind, int? status = null) => new(kind, RetryableKind(kind), status);

    private static bool RetryableKind(ProviderFailureKind kind) => kind is ProviderFailureKind.RateLimited or ProviderFailureKind.Overloaded
        or ProviderFailureKind.ServerError or ProviderFailureKind.Timeout or ProviderFailureKind.Stalled or ProviderFailureKind.ConnectionLost;
}
