namespace VoiceAgent.Providers.Anthropic;

/// <summary>Settings of the Anthropic (Claude) model used for replies. Validate at start-up with <see cref="Validate"/>.</summary>
public sealed record AnthropicModelOptions
{
    /// <summary>Production origin of the Messages API.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.anthropic.com");

    /// <summary>API key (sent as <c>x-api-key</c> on every request).</summary>
    public string ApiKey { get; init; } = string.Empty;

    /// <summary>Origin of the API, without <c>/v1</c>: the client appends <c>/v1/messages</c>.</summary>
    public Uri BaseUrl { get; init; } = DefaultBaseUrl;

    /// <summary>Model id used when a request does not set <c>ChatOptions.ModelId</c>.</summary>
    public string Model { get; init; } = "claude-haiku-4-5";

    /// <summary><c>max_tokens</c> used when a request does not set <c>ChatOptions.MaxOutputTokens</c>. Phone replies are short.</summary>
    public int MaxTokens { get; init; } = 300;

    /// <summary>Retries before the first byte of a reply (connection failures, 408/409/429/5xx). 0 by default: on a live call a spoken fallback beats a multi-second retry.</summary>
    public int MaxRetries { get; init; }

    /// <summary>HTTP version asked for (<c>MODEL_HTTP_VERSION</c>); HTTP/1.1 by default (docs/model-http.md says why).</summary>
    public VoiceAgent.Providers.Resilience.ModelHttpVersion HttpVersion { get; init; } = VoiceAgent.Providers.Resilience.ModelHttpVersion.Http11;

    /// <summary>Upper bound on one whole HTTP call (connect, send, and reading the full stream).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Every problem with these settings, each with a hint how to fix it; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(ApiKey))
            errors.Add($"{nameof(ApiKey)} is required: set it to an Anthropic API key (console.anthropic.com > API keys).");
        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttps && BaseUrl.Scheme != Uri.UriSchemeHttp))
            errors.Add($"{nameof(BaseUrl)} must be an absolute http(s) URL such as {DefaultBaseUrl}.");
        else if (BaseUrl.AbsolutePath.TrimEnd('/').EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
            errors.Add($"{nameof(BaseUrl)} '{BaseUrl}' ends with /v1: give the origin only (e.g. {DefaultBaseUrl}); the client appends /v1/messages.");
        if (string.IsNullOrWhiteSpace(Model))
            errors.Add($"{nameof(Model)} is required, e.g. claude-haiku-4-5.");
        if (MaxTokens <= 0)
            errors.Add($"{nameof(MaxTokens)} must be positive (was {MaxTokens}); around 300 suits spoken replies.");
        if (MaxRetries < 0)
            errors.Add($"{nameof(MaxRetries)} must be 0 or more (was {MaxRetries}).");
        if (Timeout <= TimeSpan.Zero)
            errors.Add($"{nameof(Timeout)} must be positive (was {Timeout}).");
        if (!Enum.IsDefined(HttpVersion))
            errors.Add($"{nameof(HttpVersion)} must be auto, 1.1 or 2 (was {(int)HttpVersion}).");
        return errors;
    }
}
