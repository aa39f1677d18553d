using System.Net;
using System.Text;

namespace VoiceAgent.Providers.Resilience;

/// <summary>
/// Sits in front of a model HTTP client's socket handler. Normally it passes every request through; inside
/// <see cref="BeginCannedReplies"/> it answers on the spot with a short streamed reply in the provider's documented
/// SSE format, so the start-up warm-up runs the SDK's whole streaming path (request building, SSE parsing, update
/// mapping, our decorators) through the JIT without sending a billed request anywhere. Given a
/// <see cref="CannedReplyServer"/>'s origin, the canned request instead goes over a real loopback connection of this
/// same socket handler (its own pool: the provider's connection is not touched), credentials removed, so the HTTP/1.1
/// request writing and the streamed response reading a real turn runs are compiled too.
/// </summary>
internal sealed class ModelWarmupHandler(string provider) : DelegatingHandler
{
    /// <summary>The text the canned reply streams (in two deltas), in either provider's format.</summary>
    public const string CannedReplyText = "Warm up.";

    private readonly AsyncLocal<bool> _canned = new();
    private readonly AsyncLocal<Uri?> _servedAt = new();

    /// <summary>The canned reply's SSE body in the provider's format.</summary>
    public static string CannedStream(string provider) => provider == "openai" ? OpenAIStream : AnthropicStream;

    /// <summary>
    /// Requests made in the current async flow get the canned reply until the returned scope is disposed: from
    /// <paramref name="servedAt"/> (a <see cref="CannedReplyServer"/> on loopback) when given, else made up in process.
    /// </summary>
    public IDisposable BeginCannedReplies(Uri? servedAt = null)
    {
        _canned.Value = true;
        _servedAt.Value = servedAt;
        return new Scope(this);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!_canned.Value) return base.SendAsync(request, cancellationToken);
        if (_servedAt.Value is { } origin && request.RequestUri is { } uri)
        {
            // Same socket handler, another origin (another pool); the provider's key never leaves for the loopback server.
            request.RequestUri = new Uri(origin, uri.PathAndQuery);
            request.Headers.Remove("x-api-key");
            request.Headers.Authorization = null;
            return base.SendAsync(request, cancellationToken);
        }
        var body = CannedStream(provider);
        var response = new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/event-stream");
        return Task.FromResult(response);
    }

    private sealed class Scope(ModelWarmupHandler owner) : IDisposable
    {
        public void Dispose()
        {
            owner._canned.Value = false;
            owner._servedAt.Value = null;
        }
    }

    // Anthropic Messages streaming events (message_start … message_stop), as documented.
    private static readonly string AnthropicStream = string.Concat(
        Event("message_start", """{"type":"message_start","message":{"id":"msg_warmup","type":"message","role":"assistant","model":"warmup","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}"""),
        Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
        Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Warm "}}"""),
        Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"up."}}"""),
        Event("content_block_stop", """{"type":"content_block_stop","index":0}"""),
        Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}"""),
        Event("message_stop", """{"type":"message_stop"}"""));

    // OpenAI Chat Completions streaming chunks, ended by [DONE], as documented.
    private static readonly string OpenAIStream = string.Concat(
        Event(null, """{"id":"chatcmpl-warmup","object":"chat.completion.chunk","created":0,"model":"warmup","choices":[{"index":0,"delta":{"role":"assistant","content":"Warm "},"finish_reason":null}]}"""),
        Event(null, """{"id":"chatcmpl-warmup","object":"chat.completion.chunk","created":0,"model":"warmup","choices":[{"index":0,"delta":{"content":"up."},"finish_reason":null}]}"""),
        Event(null, """{"id":"chatcmpl-warmup","object":"chat.completion.chunk","created":0,"model":"warmup","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"""),
        Event(null, "[DONE]"));

    private static string Event(string? name, string data) => (name is null ? "" : $"event: {name}\n") + $"data: {data}\n\n";
}
