using Microsoft.Extensions.AI;
using VoiceAgent.Providers.Resilience;

namespace VoiceAgent.Providers.Anthropic;

/// <summary>
/// Builds the <see cref="IChatClient"/> for Claude: <see cref="AnthropicMessagesClient"/>, our own client of the
/// documented Messages API, on an <see cref="HttpClient"/> that closes a cancelled stream at once. The returned
/// client owns the HTTP client and disposes it.
/// </summary>
internal static class AnthropicChatClientFactory
{
    /// <summary>Creates the client (with <paramref name="warmup"/> in front of its sockets when given); throws <see cref="ArgumentException"/> listing every invalid setting.</summary>
    public static IChatClient Create(AnthropicModelOptions options, ModelWarmupHandler? warmup = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid Anthropic model options: " + string.Join(" ", errors), nameof(options));

        return new AnthropicMessagesClient(ModelHttpClientFactory.Create(options.Timeout, options.BaseUrl, options.HttpVersion, warmup), options, clock);
    }
}
