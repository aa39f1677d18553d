using System.Text.Json;
using VoiceAgent.Emulators.ChatScript;

namespace VoiceAgent.Emulators.Anthropic;

/// <summary>Encodes a streamed reply as Messages API SSE events (protocols/anthropic-messages-streaming.md §2).</summary>
internal sealed class AnthropicStreamEncoder(SseEventWriter writer, ChatReplyPlan plan) : IChatStreamEncoder
{
    private static readonly JsonElement EmptyInput = JsonDocument.Parse("{}").RootElement.Clone();
    private static readonly AnthropicJsonContext Json = AnthropicJsonContext.Default;

    private int _openBlock = -1;

    private bool HasText => plan.TextChunks.Count > 0;

    public async ValueTask WritePreambleAsync(CancellationToken cancellationToken)
    {
        await writer.StartAsync(cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync("message_start", new AnthropicMessageStartEvent
        {
            Message = new AnthropicMessageDto
            {
                Id = plan.ResponseId,
                Content = [],
                Model = plan.Model,
                Usage = new AnthropicUsageDto { InputTokens = plan.UncachedInputTokens, CacheReadInputTokens = plan.CachedInputTokens, OutputTokens = 1 },
            },
        }, Json.AnthropicMessageStartEvent, cancellationToken).ConfigureAwait(false);
        if (!HasText) return;
        await StartBlockAsync(0, new AnthropicContentBlockDto { Type = "text", Text = string.Empty }, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync("ping", new AnthropicPingEvent(), Json.AnthropicPingEvent, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask WriteTextAsync(string text, CancellationToken cancellationToken)
        => DeltaAsync(0, new AnthropicDeltaDto { Type = "text_delta", Text = text }, cancellationToken);

    public async ValueTask WriteToolStartAsync(int ordinal, CancellationToken cancellationToken)
    {
        var call = plan.ToolCalls[ordinal];
        await StartBlockAsync(BlockIndex(ordinal), new AnthropicContentBlockDto
        {
            Type = "tool_use", Id = call.Id, Name = call.Name, Input = EmptyInput,
        }, cancellationToken).ConfigureAwait(false);
        // The API's first input_json_delta of a tool block may be empty; clients must cope, so the emulator does it.
        await WriteToolArgumentsAsync(ordinal, string.Empty, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask WriteToolArgumentsAsync(int ordinal, string fragment, CancellationToken cancellationToken)
        => DeltaAsync(BlockIndex(ordinal), new AnthropicDeltaDto { Type = "input_json_delta", PartialJson = fragment }, cancellationToken);

    public ValueTask WriteStreamErrorAsync(ChatFault fault, CancellationToken cancellationToken)
    {
        var type = fault.ErrorType ?? AnthropicErrorTypes.Overloaded;
        return writer.WriteAsync("error", new AnthropicErrorEnvelope
        {
            Error = new AnthropicErrorDto { Type = type, Message = AnthropicErrorTypes.MessageFor(type) },
        }, Json.AnthropicErrorEnvelope, cancellationToken);
    }

    public async ValueTask WriteEndAsync(CancellationToken cancellationToken)
    {
        await StopOpenBlockAsync(cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync("message_delta", new AnthropicMessageDeltaEvent
        {
            Delta = new AnthropicStopDto { StopReason = AnthropicStopReasons.For(plan) },
            Usage = new AnthropicOutputUsageDto { OutputTokens = plan.OutputTokens },
        }, Json.AnthropicMessageDeltaEvent, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync("message_stop", new AnthropicMessageStopEvent(), Json.AnthropicMessageStopEvent, cancellationToken).ConfigureAwait(false);
    }

    private int BlockIndex(int toolOrdinal) => (HasText ? 1 : 0) + toolOrdinal;

    private async ValueTask StartBlockAsync(int index, AnthropicContentBlockDto block, CancellationToken cancellationToken)
    {
        await StopOpenBlockAsync(cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync("content_block_start", new AnthropicContentBlockStartEvent { Index = index, ContentBlock = block },
            Json.AnthropicContentBlockStartEvent, cancellationToken).ConfigureAwait(false);
        _openBlock = index;
    }

    private async ValueTask StopOpenBlockAsync(CancellationToken cancellationToken)
    {
        if (_openBlock < 0) return;
        await writer.WriteAsync("content_block_stop", new AnthropicContentBlockStopEvent { Index = _openBlock },
            Json.AnthropicContentBlockStopEvent, cancellationToken).ConfigureAwait(false);
        _openBlock = -1;
    }

    private ValueTask DeltaAsync(int index, AnthropicDeltaDto delta, CancellationToken cancellationToken)
        => writer.WriteAsync("content_block_delta", new AnthropicContentBlockDeltaEvent { Index = index, Delta = delta },
            Json.AnthropicContentBlockDeltaEvent, cancellationToken);
}
