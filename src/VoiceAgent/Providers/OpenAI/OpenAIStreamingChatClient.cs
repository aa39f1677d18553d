using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAISdk = OpenAI;
using OpenAIChat = OpenAI.Chat;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>
/// <see cref="IChatClient"/> over the official OpenAI SDK's <c>ChatClient.CompleteChatStreamingAsync</c>: text
/// deltas become <see cref="TextContent"/> updates the moment they arrive, tool-call fragments are assembled into
/// <see cref="FunctionCallContent"/> when the choice finishes, usage becomes <see cref="UsageContent"/>.
/// </summary>
internal sealed class OpenAIStreamingChatClient : IChatClient
{
    private readonly OpenAISdk.OpenAIClient _client;
    private readonly OpenAIModelOptions _options;
    private readonly IDisposable? _owned;
    private readonly ConcurrentDictionary<string, OpenAIChat.ChatClient> _chatClients = new(StringComparer.Ordinal);
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
        var chat = _chatClients.GetOrAdd(model, static (m, client) => client.GetChatClient(m), _client);
        var wireMessages = OpenAIRequestMapper.ToMessages(messages, options);
        var wireOptions = OpenAIRequestMapper.ToOptions(options, _options.MaxTokens);
        var toolCalls = new OpenAIToolCallAssembler();

        await foreach (var update in chat.CompleteChatStreamingAsync(wireMessages, wireOptions, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            yield return OpenAIUpdateMapper.ToUpdate(update, toolCalls, model);

        if (toolCalls.HasPending)
        {
            // The stream ended without a finish_reason: hand over what was assembled rather than lose the call.
            var contents = new List<AIContent>();
            toolCalls.DrainTo(contents);
            yield return new ChatResponseUpdate(ChatRole.Assistant, contents) { ModelId = model, FinishReason = ChatFinishReason.ToolCalls };
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
}
