namespace VoiceAgent.Providers.OpenAI;

/// <summary>
/// Settings of the OpenAI (or any OpenAI-compatible endpoint: Ollama, vLLM, …) model used for replies.
/// Validate at start-up with <see cref="Validate"/>.
/// </summary>
public sealed record OpenAIModelOptions
{
    /// <summary>Production endpoint, including the <c>/v1</c> version path.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.openai.com/v1");

    /// <summary>API key, sent as <c>Authorization: Bearer</c>. Local compatible servers accept any non-empty placeholder.</summary>
    public string ApiKey { get; init; } = string.Empty;

    /// <summary>Endpoint including <c>/v1</c>: the SDK appends <c>/chat/completions</c>.</summary>
    public Uri BaseUrl { get; init; } = DefaultBaseUrl;

    /// <summary>Model id used when a request does not set <c>ChatOptions.ModelId</c>.</summary>
    public string Model { get; init; } = "gpt-4o";

    /// <summary>Output cap (<c>max_completion_tokens</c>) used when a request does not set <c>ChatOptions.MaxOutputTokens</c>.</summary>
    public int MaxTokens { get; init; } = 300;

    /// <summary>SDK-level retries. 0 by default: on a live call a spoken fallback beats a multi-second retry.</summary>
    public int MaxRetries { get; init; }

    /// <summary>HTTP version asked for (<c>MODEL_HTTP_VERSION</c>); HTTP/1.1 by default (docs/model-http.md says why).</summary>
    public VoiceAgent.Providers.Resilience.ModelHttpVersion HttpVersion { get; init; } = VoiceAgent.Providers.Resilience.ModelHttpVersion.Http11;

    /// <summary>Longest wait for any single network read (connect, headers, or the next chunk of the stream).</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Every problem with these settings, each with a hint how to fix it; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(ApiKey))
            errors.Add($"{nameof(ApiKey)} is required: set it to an OpenAI API key (or any placeholder for a local compatible server).");
        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttps && BaseUrl.Scheme != Uri.UriSchemeHttp))
            errors.Add($"{nameof(BaseUrl)} must be an absolute http(s) URL such as {DefaultBaseUrl}.");
        else if (BaseUrl.AbsolutePath.Trim('/').Length == 0)
            errors.Add($"{nameof(BaseUrl)} '{BaseUrl}' has no version path: include it (e.g. {DefaultBaseUrl} or http://localhost:11434/v1); the SDK appends /chat/completions.");
        if (string.IsNullOrWhiteSpace(Model))
            errors.Add($"{nameof(Model)} is required, e.g. gpt-4o.");
        if (MaxTokens <= 0)
            errors.Add($"{nameof(MaxTokens)} must be positive (was {MaxTokens}); around 300 suits spoken replies.");
        if (MaxRetries < 0)
            errors.Add($"{nameof(MaxRetries)} must be 0 or more (was {MaxRetries}).");
        if (NetworkTimeout <= TimeSpan.Zero)
            errors.Add($"{nameof(NetworkTimeout)} must be positive (was {NetworkTimeout}).");
        if (!Enum.IsDefined(HttpVersion))
            errors.Add($"{nameof(HttpVersion)} must be auto, 1.1 or 2 (was {(int)HttpVersion}).");
        return errors;
    }
}
