using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using VoiceAgent.Providers.Resilience;
using OpenAISdk = OpenAI;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>
/// Builds the <see cref="IChatClient"/> for OpenAI(-compatible) chat models on the official <c>OpenAI</c> SDK,
/// running on an <see cref="HttpClient"/> that closes a cancelled stream at once. The client owns that HTTP client.
/// </summary>
internal static class OpenAIChatClientFactory
{
    /// <summary>Creates the client (with <paramref name="warmup"/> in front of its sockets when given); throws <see cref="ArgumentException"/> listing every invalid setting.</summary>
    public static IChatClient Create(OpenAIModelOptions options, ModelWarmupHandler? warmup = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid OpenAI model options: " + string.Join(" ", errors), nameof(options));

        var http = ModelHttpClientFactory.Create(options.NetworkTimeout, options.BaseUrl, options.HttpVersion, warmup);
        var client = new OpenAISdk.OpenAIClient(new ApiKeyCredential(options.ApiKey), new OpenAISdk.OpenAIClientOptions
        {
            Endpoint = options.BaseUrl,
            NetworkTimeout = options.NetworkTimeout,
            RetryPolicy = new ClientRetryPolicy(options.MaxRetries),
            Transport = new HttpClientPipelineTransport(http),
        });
        return new OpenAIStreamingChatClient(client, options, http);
    }
}
