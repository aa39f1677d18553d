using System.Text.Json;
using Microsoft.AspNetCore.Http;
using VoiceAgent.Emulators.ChatScript;

namespace VoiceAgent.Emulators.Anthropic;

/// <summary>
/// Local stand-in for the Anthropic Messages API: <c>POST /v1/messages</c>, streamed (SSE, byte for byte per
/// protocols/anthropic-messages-streaming.md) or as one message JSON. Point the SDK's <c>BaseUrl</c> at
/// <see cref="Hosting.EmulatorHost.BaseUrl"/> (no <c>/v1</c>).
/// </summary>
public sealed class AnthropicEmulator(ChatEmulatorOptions? options = null) : ChatEmulatorHost(options)
{
    /// <summary>The <c>anthropic-version</c> value the API documents and the SDK sends.</summary>
    public const string ApiVersion = "2023-06-01";

    private static readonly AnthropicJsonContext Json = AnthropicJsonContext.Default;

    private protected override string RoutePath => "/v1/messages";

    private protected override string RequestIdHeader => "request-id";

    private protected override string? Authenticate(HttpRequest request)
    {
        var key = request.Headers["x-api-key"].ToString();
        if (key.Length == 0)
        {
            var authorization = request.Headers.Authorization.ToString();
            if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) key = authorization["Bearer ".Length..].Trim();
        }
        if (key.Length == 0) return "x-api-key header is required";
        if (Options.ApiKey is { } expected && key != expected) return "invalid x-api-key";
        if (request.Headers["anthropic-version"].ToString().Length == 0) return "anthropic-version header is required";
        return null;
    }

    private protected override RecordedChatRequest? Parse(string body) => AnthropicRequestParser.Parse(body);

    private protected override string ResponseId(int index) => $"msg_emul_{index + 1:D3}";

    private protected override string ToolCallId(int requestIndex, int callIndex) => $"toolu_emul_{requestIndex + 1:D3}_{callIndex + 1:D2}";

    private protected override int StatusForStreamError(string? errorType) => AnthropicErrorTypes.StatusFor(errorType);

    private protected override Task WriteErrorAsync(HttpResponse response, int status, string? errorType, string requestId, CancellationToken cancellationToken)
    {
        var type = errorType ?? AnthropicErrorTypes.ForStatus(status);
        response.StatusCode = status;
        response.ContentType = "application/json";
        var body = JsonSerializer.SerializeToUtf8Bytes(new AnthropicErrorEnvelope
        {
            Error = new AnthropicErrorDto { Type = type, Message = AnthropicErrorTypes.MessageFor(type) },
            RequestId = requestId,
        }, Json.AnthropicErrorEnvelope);
        return response.Body.WriteAsync(body, cancellationToken).AsTask();
    }

    private protected override IChatStreamEncoder CreateEncoder(SseEventWriter writer, ChatReplyPlan plan, RecordedChatRequest request) => new AnthropicStreamEncoder(writer, plan);

    private protected override Task WriteCompleteResponseAsync(HttpResponse response, ChatReplyPlan plan, CancellationToken cancellationToken)
    {
        var content = new List<AnthropicContentBlockDto>();
        if (plan.TextChunks.Count > 0) content.Add(new AnthropicContentBlockDto { Type = "text", Text = plan.FullText });
        foreach (var call in plan.ToolCalls)
        {
            using var input = JsonDocument.Parse(call.ArgumentsJson);
            content.Add(new AnthropicContentBlockDto { Type = "tool_use", Id = call.Id, Name = call.Name, Input = input.RootElement.Clone() });
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        var body = JsonSerializer.SerializeToUtf8Bytes(new AnthropicMessageDto
        {
            Id = plan.ResponseId,
            Content = content,
            Model = plan.Model,
            StopReason = AnthropicStopReasons.For(plan),
            Usage = new AnthropicUsageDto { InputTokens = plan.UncachedInputTokens, CacheReadInputTokens = plan.CachedInputTokens, OutputTokens = plan.OutputTokens },
        }, Json.AnthropicMessageDto);
        return response.Body.WriteAsync(body, cancellationToken).AsTask();
    }
}
