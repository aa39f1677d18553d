namespace VoiceAgent.Emulators.ChatScript;

/// <summary>
/// A failure injected into one emulated model request. Build one with the factory methods, then enqueue it
/// with <see cref="ChatEmulatorHost.EnqueueFault"/> (default reply content) or on a <see cref="ChatReply"/>.
/// </summary>
public sealed record ChatFault
{
    /// <summary>What goes wrong.</summary>
    public required ChatFaultKind Kind { get; init; }

    /// <summary>HTTP status for <see cref="ChatFaultKind.HttpError"/> (e.g. 429, 500, 503, 529).</summary>
    public int StatusCode { get; init; }

    /// <summary>Value of the <c>retry-after</c> header (whole seconds) on an HTTP error, if any.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>For in-stream faults: how many content deltas are sent before the fault strikes.</summary>
    public int AfterDeltas { get; init; }

    /// <summary>
    /// The provider's error <c>type</c> (Anthropic, e.g. <c>overloaded_error</c>) or <c>code</c> (OpenAI, e.g.
    /// <c>insufficient_quota</c>) to put in the error body. Null picks the documented value for the status.
    /// </summary>
    public string? ErrorType { get; init; }

    /// <summary>An HTTP error response with the given status and the provider's documented body.</summary>
    public static ChatFault Http(int statusCode, TimeSpan? retryAfter = null, string? errorType = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        return new() { Kind = ChatFaultKind.HttpError, StatusCode = statusCode, RetryAfter = retryAfter, ErrorType = errorType };
    }

    /// <summary>HTTP 429 with a <c>retry-after</c> header (1 s unless given).</summary>
    public static ChatFault RateLimited(TimeSpan? retryAfter = null) => Http(429, retryAfter ?? TimeSpan.FromSeconds(1));

    /// <summary>HTTP 500.</summary>
    public static ChatFault ServerError() => Http(500);

    /// <summary>The provider's in-stream error object after <paramref name="afterDeltas"/> deltas.</summary>
    public static ChatFault StreamError(int afterDeltas = 0, string? errorType = null)
        => new() { Kind = ChatFaultKind.StreamError, AfterDeltas = NotNegative(afterDeltas), ErrorType = errorType };

    /// <summary>Send <paramref name="afterDeltas"/> deltas, then hang until the client goes away.</summary>
    public static ChatFault Stall(int afterDeltas = 0)
        => new() { Kind = ChatFaultKind.Stall, AfterDeltas = NotNegative(afterDeltas) };

    /// <summary>Send <paramref name="afterDeltas"/> deltas, then abort the connection.</summary>
    public static ChatFault Drop(int afterDeltas = 0)
        => new() { Kind = ChatFaultKind.DropConnection, AfterDeltas = NotNegative(afterDeltas) };

    private static int NotNegative(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return value;
    }
}
