using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAISdk = OpenAI;
using OpenAIChat = OpenAI.Chat;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>
/// <see cref="IChatClient"/> for OpenAI(-compatible) chat models: Microsoft's adapter
/// (<c>Microsoft.Extensions.AI.OpenAI</c>, <c>ChatClient.AsIChatClient()</c>) does the request and update mapping;
/// this layer adds what a phone turn needs on top of it:
/// the configured model and output cap when a request sets none, a model per request (<c>ChatOptions.ModelId</c>),
/// an <c>{"error":…}</c> object inside a started stream surfaced as <see cref="OpenAIStreamErrorException"/> (the SDK
/// skips it), a refusal spoken like any other text, the finish reason reported once (on the update that carries
/// the assembled tool calls, else on the chunk that ended the choice), and a non-streaming call served from the stream.
/// </summary>
internal sealed class OpenAIStreamingChatClient : IChatClient
{
    private readonly OpenAISdk.OpenAIClient _client;
    private readonly OpenAIModelOptions _options;
    private readonly IDisposable? _owned;
    private readonly ConcurrentDictionary<string, IChatClient> _models = new(StringComparer.Ordinal);
    private readonly ChatClientMetadata _metadata;

    public OpenAIStreamingChatClient(OpenAISdk.OpenAIClient client, OpenAIModelOptions options, IDisposable? owned = null)
    {
        _client = client;
        _options = options;
        _owned = owned;
        _metadata = new ChatClientMetadata("openai", options.BaseUrl, options.Model);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var model = options?.ModelId ?? _options.Model;
        var chat = _models.GetOrAdd(model, static (m, client) => client.GetChatClient(m).AsIChatClient(), _client);

        await foreach (var update in chat.GetStreamingResponseAsync(messages, WithDefaults(options), cancellationToken).ConfigureAwait(false))
        {
            if (update.RawRepresentation is OpenAIChat.StreamingChatCompletionUpdate chunk)
            {
                ThrowIfStreamError(chunk);
                // A refusal is what the model says instead of an answer; on a call it is spoken like any other text.
                if (!string.IsNullOrEmpty(chunk.RefusalUpdate)) update.Contents.Add(new TextContent(chunk.RefusalUpdate));
                // The adapter repeats the finish reason on every update after it arrived; tool calls get their own update at the end.
                update.FinishReason = chunk.FinishReason is { } reason && reason != OpenAIChat.ChatFinishReason.ToolCalls ? update.FinishReason : null;
            }
            else if (HasFunctionCall(update))
            {
                // The assembled tool calls; a stream cut before its finish_reason still hands them over.
                update.FinishReason ??= ChatFinishReason.ToolCalls;
            }
            update.ModelId ??= model;
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        if (serviceType.IsInstanceOfType(_client)) return _client;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose() => _owned?.Dispose();

    /// <summary>The configured output cap when the request sets none (the caller's options are never changed).</summary>
    private ChatOptions WithDefaults(ChatOptions? options)
    {
        // The adapter makes its own update objects (no reuse); the opt-in is ours and never goes on the wire.
        options = ReusedStreamingUpdates.Without(options);
        if (options is null) return new ChatOptions { MaxOutputTokens = _options.MaxTokens };
        if (options.MaxOutputTokens is not null) return options;
        var copy = options.Clone();
        copy.MaxOutputTokens = _options.MaxTokens;
        return copy;
    }

    private static bool HasFunctionCall(ChatResponseUpdate update)
    {
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
            if (contents[i] is FunctionCallContent) return true;
        return false;
    }

    /// <summary>The SDK keeps unknown top-level properties in the update's patch; an <c>error</c> there ends the stream.</summary>
    private static void ThrowIfStreamError(OpenAIChat.StreamingChatCompletionUpdate update)
    {
#pragma warning disable SCME0001 // JsonPatch is the SDK's only view of properties it does not model.
        if (!update.Patch.TryGetJson("$.error"u8, out ReadOnlyMemory<byte> json)) return;
#pragma warning restore SCME0001
        OpenAIStreamErrorDto? error = null;
        try
        {
            error = JsonSerializer.Deserialize(json.Span, OpenAIProviderJsonContext.Default.OpenAIStreamErrorDto);
        }
        catch (JsonException)
        {
            // Not an object we understand; still an error.
        }
        throw new OpenAIStreamErrorException(
            $"The model stream reported an error: {error?.Message ?? "(no message)"}", error?.Type, error?.Code);
    }
}
