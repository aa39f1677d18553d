using Anthropic;
using Anthropic.Core;
using Microsoft.Extensions.AI;
using VoiceAgent.Providers.Resilience;

namespace VoiceAgent.Providers.Anthropic;

/// <summary>
/// Builds the <see cref="IChatClient"/> for Claude on the official <c>Anthropic</c> SDK (its <c>AsIChatClient</c>
/// adapter), running on an <see cref="HttpClient"/> that closes a cancelled stream at once. The returned client
/// owns the SDK client and the HTTP client and disposes them.
/// </summary>
internal static class AnthropicChatClientFactory
{
    /// <summary>Creates the client (with <paramref name="warmup"/> in front of its sockets when given); throws <see cref="ArgumentException"/> listing every invalid setting.</summary>
    public static IChatClient Create(AnthropicModelOptions options, ModelWarmupHandler? warmup = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid Anthropic model options: " + string.Join(" ", errors), nameof(options));

        var http = ModelHttpClientFactory.Create(options.Timeout, warmup);
        var client = new AnthropicClient(new ClientOptions
        {
            ApiKey = options.ApiKey,
            BaseUrl = options.BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/'),
            MaxRetries = options.MaxRetries,
            Timeout = options.Timeout,
            HttpClient = http,
        });
        return new OwningChatClient(client.AsIChatClient(options.Model, options.MaxTokens), client, http);
    }
}
