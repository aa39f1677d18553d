using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using VoiceAgent.Buffers;

namespace VoiceAgent.Providers.Anthropic;

/// <summary>
/// The Anthropic Messages API as an <see cref="IChatClient"/>, written against the documented wire format
/// (protocols/anthropic-messages-streaming.md) instead of the SDK: the request body is written with a
/// <see cref="System.Text.Json.Utf8JsonWriter"/> into a pooled buffer, the stream read by a pooled
/// <see cref="SseEventReader"/> and decoded per event by <see cref="AnthropicStreamDecoder"/> without a JSON document
/// per event (the SDK's parsing was the largest allocation of a turn). Runs on the shared model
/// <see cref="HttpClient"/> (pooling, warm-up, a cancelled stream closes at once) and owns it.
/// </summary>
/// <remarks>
/// Failures: an HTTP error throws <see cref="AnthropicApiException"/> (status and documented error body), an
/// in-stream <c>error</c> event <see cref="AnthropicStreamException"/>, a stream that ends before <c>message_stop</c>
/// <see cref="HttpIOException"/> (connection lost), data that is not the documented JSON
/// <see cref="InvalidDataException"/>, a call past <see cref="AnthropicModelOptions.Timeout"/>
/// <see cref="TimeoutException"/>; <see cref="Resilience.ProviderFailure.Classify"/> maps each. Up to
/// <see cref="AnthropicModelOptions.MaxRetries"/> retries of connection failures and 408/409/429/5xx before the first
/// byte of a reply (never after), waiting the server's hint or 0.5 s doubling to 8 s.
/// </remarks>
internal sealed class AnthropicMessagesClient : IChatClient
{
    /// <summary>The <c>anthropic-version</c> header value the API requires.</summary>
    public const string ApiVersion = "2023-06-01";

    private const int MaxErrorBodyBytes = 64 * 1024;
    private const int MaxMessageBodyBytes = 16 * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly AnthropicModelOptions _options;
    private readonly TimeProvider _clock;
    private readonly Uri _endpoint;
    private readonly ChatClientMetadata _metadata;
    private int _lastRequestBytes;

    public AnthropicMessagesClient(HttpClient http, AnthropicModelOptions options, TimeProvider? clock = null)
    {
        _http = http;
        _options = options;
        _clock = clock ?? TimeProvider.System;
        _endpoint = new Uri(options.BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/v1/messages");
        _metadata = new ChatClientMetadata("anthropic", options.BaseUrl, options.Model);
        // Sent on every request: set once, not per request.
        http.DefaultRequestHeaders.TryAddWithoutValidation("x-api-key", options.ApiKey);
        http.DefaultRequestHeaders.TryAddWithoutValidation("anthropic-version", ApiVersion);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        // Sized like the last request (a call's requests grow turn by turn): one rent instead of a chain of doublings.
        using var body = new PooledByteBufferWriter(Math.Max(4096, Volatile.Read(ref _lastRequestBytes) + 1024));
        AnthropicRequestWriter.Write(body, messages, options, _options.Model, _options.MaxTokens, stream: true);
        Volatile.Write(ref _lastRequestBytes, body.WrittenCount);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var timer = _clock.CreateTimer(static state => CancelQuietly((CancellationTokenSource)state!), deadline, _options.Timeout, Timeout.InfiniteTimeSpan);
        var token = deadline.Token;

        HttpResponseMessage response;
        Stream content;
        try
        {
            response = await SendAsync(body.WrittenMemory, token).ConfigureAwait(false);
            try
            {
                EnsureEventStream(response);
                content = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
        catch (OperationCanceledException ex) when (TimedOut(deadline, cancellationToken))
        {
            throw TimeoutError(ex);
        }

        using (response)
        using (var reader = new SseEventReader())
        using (var decoder = new AnthropicStreamDecoder { ReuseTextUpdates = ReusedStreamingUpdates.Allowed(options) })
        {
            while (true)
            {
                // An update already buffered must not be handed out once the caller has cancelled (barge-in).
                cancellationToken.ThrowIfCancellationRequested();
                ChatResponseUpdate? update;
                try
                {
                    // Read in this iterator's own loop: its state machine is allocated once per stream, where a
                    // helper's would be awaited (and, under load, allocated) once per token.
                    while (!TryNextUpdate(reader, decoder, out update))
                        reader.Advance(await content.ReadAsync(reader.GetFillMemory(), token).ConfigureAwait(false));
                }
                catch (OperationCanceledException ex) when (TimedOut(deadline, cancellationToken))
                {
                    throw TimeoutError(ex);
                }
                if (update is null) yield break;
                yield return update;
            }
        }
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var body = new PooledByteBufferWriter(4096);
        AnthropicRequestWriter.Write(body, messages, options, _options.Model, _options.MaxTokens, stream: false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var timer = _clock.CreateTimer(static state => CancelQuietly((CancellationTokenSource)state!), deadline, _options.Timeout, Timeout.InfiniteTimeSpan);
        try
        {
            using var response = await SendAsync(body.WrittenMemory, deadline.Token).ConfigureAwait(false);
            using var received = new PooledByteBufferWriter(4096);
            await ReadBoundedAsync(response, received, MaxMessageBodyBytes, deadline.Token).ConfigureAwait(false);
            return AnthropicMessageParser.ParseMessage(received.WrittenSpan);
        }
        catch (OperationCanceledException ex) when (TimedOut(deadline, cancellationToken))
        {
            throw TimeoutError(ex);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// The next update from the events already buffered: true with the update for the caller, the final usage update
    /// after <c>message_stop</c>, or null when there is nothing more; false when more bytes must be read first.
    /// </summary>
    /// <remarks>
    /// After <c>message_stop</c> the rest of the response is read to its end (its last chunk follows at once) so the
    /// connection goes back to the pool instead of being closed; events after it are ignored.
    /// </remarks>
    internal static bool TryNextUpdate(SseEventReader reader, AnthropicStreamDecoder decoder, out ChatResponseUpdate? update)
    {
        while (reader.TryReadEvent())
        {
            if (decoder.Completed) continue;
            if (decoder.Decode(reader.Data) is { } decoded)
            {
                update = decoded;
                return true;
            }
        }
        update = null;
        if (!reader.EndOfStream) return false;
        if (!decoder.Completed) throw new HttpIOException(HttpRequestError.ResponseEnded, "The Anthropic stream ended before message_stop.");
        update = decoder.Finish();
        return true;
    }

    private async Task<HttpResponseMessage> SendAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ReadOnlyMemoryContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException) when (attempt < _options.MaxRetries && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Backoff(attempt, hint: null), _clock, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (response.IsSuccessStatusCode) return response;
            AnthropicApiException error;
            using (response)
            {
                error = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
                if (attempt >= _options.MaxRetries || !ShouldRetry(response)) throw error;
            }
            await Task.Delay(Backoff(attempt, error.RetryAfter), _clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The SDK's documented policy: an <c>x-should-retry</c> header decides; else 408, 409, 429 and 5xx are retried.</summary>
    private static bool ShouldRetry(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("x-should-retry", out var values))
        {
            foreach (var value in values)
            {
                if (value.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
                if (value.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
            }
        }
        var status = (int)response.StatusCode;
        return status is 408 or 409 or 429 or >= 500;
    }

    private static TimeSpan Backoff(int attempt, TimeSpan? hint)
        => hint is { } wait && wait > TimeSpan.Zero && wait < TimeSpan.FromSeconds(60)
            ? wait
            : TimeSpan.FromSeconds(Math.Min(0.5 * Math.Pow(2, attempt), 8));

    private static async Task<AnthropicApiException> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var received = new PooledByteBufferWriter(1024);
        try
        {
            await ReadBoundedAsync(response, received, MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            // Longer than any documented error body: classify by the status alone.
            received.Clear();
        }
        var (type, message, requestId) = AnthropicMessageParser.ParseError(received.WrittenSpan);
        requestId ??= response.Headers.TryGetValues("request-id", out var ids) ? ids.FirstOrDefault() : null;
        return new AnthropicApiException((int)response.StatusCode, type, message, requestId, RetryAfterOf(response.Headers));
    }

    private static TimeSpan? RetryAfterOf(HttpResponseHeaders headers)
    {
        if (headers.TryGetValues("retry-after-ms", out var ms) && double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var millis))
            return TimeSpan.FromMilliseconds(millis);
        if (headers.RetryAfter?.Delta is { } delta) return delta;
        return null;
    }

    private static async Task ReadBoundedAsync(HttpResponseMessage response, PooledByteBufferWriter target, int limit, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            while (true)
            {
                var read = await stream.ReadAsync(target.GetMemory(4096), cancellationToken).ConfigureAwait(false);
                if (read == 0) return;
                target.Advance(read);
                if (target.WrittenCount > limit) throw new InvalidDataException($"The Anthropic response body is larger than {limit} bytes.");
            }
        }
    }

    private static void EnsureEventStream(HttpResponseMessage response)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not null && !mediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"The Anthropic streaming response has content type '{mediaType}', not text/event-stream.");
    }

    private static bool TimedOut(CancellationTokenSource deadline, CancellationToken callerToken) => deadline.IsCancellationRequested && !callerToken.IsCancellationRequested;

    private TimeoutException TimeoutError(Exception inner) => new($"The Anthropic request did not complete within {_options.Timeout.TotalSeconds:0.###} s.", inner);

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call finished as the timer fired.
        }
    }
}
