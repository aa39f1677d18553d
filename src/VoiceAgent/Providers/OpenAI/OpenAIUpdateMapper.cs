using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAIChat = OpenAI.Chat;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Maps one SDK streaming update onto a <see cref="ChatResponseUpdate"/>.</summary>
internal static class OpenAIUpdateMapper
{
    public static ChatResponseUpdate ToUpdate(OpenAIChat.StreamingChatCompletionUpdate update, OpenAIToolCallAssembler toolCalls, string requestedModel)
    {
        ThrowIfStreamError(update);

        var contents = new List<AIContent>();
        foreach (var part in update.ContentUpdate)
            if (part.Kind == OpenAIChat.ChatMessageContentPartKind.Text && !string.IsNullOrEmpty(part.Text))
                contents.Add(new TextContent(part.Text));
        // A refusal is what the model says instead of an answer; on a call it is spoken like any other text.
        if (!string.IsNullOrEmpty(update.RefusalUpdate)) contents.Add(new TextContent(update.RefusalUpdate));

        toolCalls.Add(update.ToolCallUpdates);
        if (update.FinishReason is not null) toolCalls.DrainTo(contents);
        if (update.Usage is { } usage) contents.Add(new UsageContent(ToUsage(usage)));

        return new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = update.CompletionId,
            MessageId = update.CompletionId,
            CreatedAt = update.CreatedAt == default ? null : update.CreatedAt,
            ModelId = update.Model ?? requestedModel,
            FinishReason = ToFinishReason(update.FinishReason),
            RawRepresentation = update,
        };
    }

    public static ChatFinishReason? ToFinishReason(OpenAIChat.ChatFinishReason? reason) => reason switch
    {
        null => null,
        OpenAIChat.ChatFinishReason.Stop => ChatFinishReason.Stop,
        OpenAIChat.ChatFinishReason.Length => ChatFinishReason.Length,
        OpenAIChat.ChatFinishReason.ContentFilter => ChatFinishReason.ContentFilter,
        OpenAIChat.ChatFinishReason.ToolCalls or OpenAIChat.ChatFinishReason.FunctionCall => ChatFinishReason.ToolCalls,
        _ => new ChatFinishReason(reason.Value.ToString()),
    };

    public static UsageDetails ToUsage(OpenAIChat.ChatTokenUsage usage) => new()
    {
        InputTokenCount = usage.InputTokenCount,
        OutputTokenCount = usage.OutputTokenCount,
        TotalTokenCount = usage.TotalTokenCount,
        CachedInputTokenCount = usage.InputTokenDetails?.CachedTokenCount,
        ReasoningTokenCount = usage.OutputTokenDetails?.ReasoningTokenCount,
    };

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
