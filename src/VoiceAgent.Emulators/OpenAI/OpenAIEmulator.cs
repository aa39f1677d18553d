using System.Text.Json;
using Microsoft.AspNetCore.Http;
using VoiceAgent.Emulators.ChatScript;

namespace VoiceAgent.Emulators.OpenAI;

/// <summary>
/// Local stand-in for the OpenAI Chat Completions API: <c>POST /v1/chat/completions</c>, streamed (data-only SSE
/// chunks, final usage chunk when <c>stream_options.include_usage</c>, <c>data: [DONE]</c>) or as one completion.
/// Point the SDK's <c>Endpoint</c> at <see cref="ApiBaseUrl"/> (which includes <c>/v1</c>).
/// </summary>
public sealed class OpenAIEmulator(ChatEmulatorOptions? options = null) : ChatEmulatorHost(options)
{
    private static readonly OpenAIJsonContext Json = OpenAIJsonContext.Default;

    /// <summary><c>http://127.0.0.1:{port}/v1</c>: what an OpenAI client takes as its endpoint.</summary>
    public Uri ApiBaseUrl => new(BaseUrl, "/v1");

    private protected override string RoutePath => "/v1/chat/completions";

    private protected override string RequestIdHeader => "x-request-id";

    private protected override string? Authenticate(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return "missing bearer token";
        var key = authorization["Bearer ".Length..].Trim();
        if (key.Length == 0) return "missing bearer token";
        if (Options.ApiKey is { } expected && key != expected) return "incorrect API key";
        return null;
    }

    private protected override RecordedChatRequest? Parse(string body) => OpenAIRequestParser.Parse(body);

    private protected override string ResponseId(int index) => $"chatcmpl-emul{index + 1:D3}";

    private protected override string ToolCallId(int requestIndex, int callIndex) => $"call_emul{requestIndex + 1:D3}_{callIndex + 1:D2}";

    private protected override int StatusForStreamError(string? errorType) => OpenAIErrors.StatusFor(errorType);

    private protected override Task WriteErrorAsync(HttpResponse response, int status, string? errorType, string requestId, CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        var body = JsonSerializer.SerializeToUtf8Bytes(new OpenAIErrorEnvelope { Error = OpenAIErrors.ForStatus(status, errorType) }, Json.OpenAIErrorEnvelope);
        return response.Body.WriteAsync(body, cancellationToken).AsTask();
    }

    private protected override IChatStreamEncoder CreateEncoder(SseEventWriter writer, ChatReplyPlan plan, RecordedChatRequest request)
    {
        var includeUsage = OpenAIRequestParser.ReadWire(request.RawJson)?.StreamOptions?.IncludeUsage == true;
        return new OpenAIStreamEncoder(writer, plan, includeUsage, Options.TimeProvider.GetUtcNow().ToUnixTimeSeconds());
    }

    private protected override Task WriteCompleteResponseAsync(HttpResponse response, ChatReplyPlan plan, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        var body = JsonSerializer.SerializeToUtf8Bytes(new OpenAICompletionDto
        {
            Id = plan.ResponseId,
            Created = Options.TimeProvider.GetUtcNow().ToUnixTimeSeconds(),
            Model = plan.Model,
            Choices =
            [
                new OpenAICompletionChoiceDto
                {
                    Message = new OpenAICompletionMessageDto
                    {
                        Content = plan.TextChunks.Count > 0 ? plan.FullText : null,
                        ToolCalls = plan.HasToolCalls
                            ? plan.ToolCalls.Select(c => new OpenAIToolCallDto { Id = c.Id!, Function = new() { Name = c.Name, Arguments = c.ArgumentsJson } }).ToList()
                            : null,
                    },
                    FinishReason = OpenAIFinishReasons.For(plan),
                },
            ],
            Usage = OpenAIUsage.For(plan),
        }, Json.OpenAICompletionDto);
        return response.Body.WriteAsync(body, cancellationToken).AsTask();
    }
}
