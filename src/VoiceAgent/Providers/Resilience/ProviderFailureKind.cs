namespace VoiceAgent.Providers.Resilience;

/// <summary>Why a model call failed, independent of which provider or SDK raised it.</summary>
public enum ProviderFailureKind
{
    /// <summary>Anything not classified below (also: bugs, malformed responses).</summary>
    Unknown,
    /// <summary>HTTP 429 / <c>rate_limit_error</c> / <c>rate_limit_exceeded</c>.</summary>
    RateLimited,
    /// <summary>The provider is overloaded: HTTP 529 or 503, <c>overloaded_error</c>.</summary>
    Overloaded,
    /// <summary>Other 5xx / <c>api_error</c> / <c>server_error</c>.</summary>
    ServerError,
    /// <summary>The request was rejected (4xx other than 408/429): bad key, bad model, bad request.</summary>
    ClientError,
    /// <summary>No first token in time (watchdog), HTTP 408, or an SDK/network timeout.</summary>
    Timeout,
    /// <summary>The stream started, then went quiet past the stall deadline.</summary>
    Stalled,
    /// <summary>The connection failed or dropped (refused, reset, stream ended early).</summary>
    ConnectionLost,
}
