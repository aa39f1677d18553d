using System.Text.Json.Serialization.Metadata;
using VoiceAgent.Emulators.ChatScript;

namespace VoiceAgent.Emulators.OpenAI;

/// <summary>Encodes a streamed reply as <c>chat.completion.chunk</c> events (protocols/openai-chat-streaming.md §2).</summary>
internal sealed class OpenAIStreamEncoder(SseEventWriter writer, ChatReplyPlan plan, bool includeUsage, long created) : IChatStreamEncoder
{
    private static readonly OpenAIJsonContext Json = OpenAIJsonContext.Default;

    private bool HasText => plan.TextChunks.Count > 0;

    public async ValueTask WritePreambleAsync(CancellationToken cancellationToken)
    {
        await writer.StartAsync(cancellationToken).ConfigureAwait(false);
        if (HasText) await ChunkAsync(new OpenAIRoleTextDelta(), Json.OpenAIChunkOpenAIRoleTextDelta, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask WriteTextAsync(string text, CancellationToken cancellationToken)
        => ChunkAsync(new OpenAIContentDelta { Content = text }, Json.OpenAIChunkOpenAIContentDelta, cancellationToken);

    public ValueTask WriteToolStartAsync(int ordinal, CancellationToken cancellationToken)
    {
        var call = plan.ToolCalls[ordinal];
        OpenAIToolCallChunkDto[] first =
        [
            new() { Index = ordinal, Id = call.Id, Type = "function", Function = new() { Name = call.Name, Arguments = string.Empty } },
        ];
        return ordinal == 0 && !HasText
            ? ChunkAsync(new OpenAIRoleToolDelta { ToolCalls = first }, Json.OpenAIChunkOpenAIRoleToolDelta, cancellationToken)
            : ChunkAsync(new OpenAIToolCallsDelta { ToolCalls = first }, Json.OpenAIChunkOpenAIToolCallsDelta, cancellationToken);
    }

    public ValueTask WriteToolArgumentsAsync(int ordinal, string fragment, CancellationToken cancellationToken)
        => ChunkAsync(new OpenAIToolCallsDelta { ToolCalls = [new() { Index = ordinal, Function = new() { Arguments = fragment } }] },
            Json.OpenAIChunkOpenAIToolCallsDelta, cancellationToken);

    public ValueTask WriteStreamErrorAsync(ChatFault fault, CancellationToken cancellationToken)
        => writer.WriteAsync(null, new OpenAIErrorEnvelope { Error = OpenAIErrors.InStream(fault.ErrorType) }, Json.OpenAIErrorEnvelope, cancellationToken);

    public async ValueTask WriteEndAsync(CancellationToken cancellationToken)
    {
        await ChunkAsync(new OpenAIEmptyDelta(), Json.OpenAIChunkOpenAIEmptyDelta, cancellationToken, OpenAIFinishReasons.For(plan)).ConfigureAwait(false);
        if (includeUsage)
        {
            await writer.WriteAsync(null, new OpenAIChunk<OpenAIEmptyDelta>
            {
                Id = plan.ResponseId,
                Created = created,
                Model = plan.Model,
                Choices = [],
                Usage = OpenAIUsage.For(plan),
            }, Json.OpenAIChunkOpenAIEmptyDelta, cancellationToken).ConfigureAwait(false);
        }
        await writer.WriteDataAsync("[DONE]", cancellationToken).ConfigureAwait(false);
    }

    private ValueTask ChunkAsync<TDelta>(TDelta delta, JsonTypeInfo<OpenAIChunk<TDelta>> typeInfo, CancellationToken cancellationToken, string? finishReason = null)
        => writer.WriteAsync(null, new OpenAIChunk<TDelta>
        {
            Id = plan.ResponseId,
            Created = created,
            Model = plan.Model,
            Choices = [new OpenAIChunkChoice<TDelta> { Delta = delta, FinishReason = finishReason }],
        }, typeInfo, cancellationToken);
}
