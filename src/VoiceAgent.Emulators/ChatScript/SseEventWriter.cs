using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace VoiceAgent.Emulators.ChatScript;

/// <summary>
/// Writes server-sent events straight to the response body and flushes each one, so every event reaches the
/// socket the moment it is produced (time-to-first-token is real, nothing sits in a buffer).
/// </summary>
internal sealed class SseEventWriter(HttpResponse response)
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Sets the status and SSE headers and sends them at once.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        return response.StartAsync(cancellationToken);
    }

    /// <summary>Writes <c>event: name</c> (when given) and <c>data: json</c>, then flushes.</summary>
    public ValueTask WriteAsync<T>(string? eventName, T payload, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var body = response.BodyWriter;
        if (eventName is not null)
        {
            WriteAscii("event: ");
            WriteAscii(eventName);
            WriteAscii("\n");
        }
        WriteAscii("data: ");
        using (var json = new Utf8JsonWriter(body, JsonOptions)) JsonSerializer.Serialize(json, payload, typeInfo);
        WriteAscii("\n\n");
        return FlushAsync(cancellationToken);
    }

    /// <summary>Writes a data-only event with literal text (e.g. <c>[DONE]</c>), then flushes.</summary>
    public ValueTask WriteDataAsync(string data, CancellationToken cancellationToken)
    {
        WriteAscii("data: ");
        WriteAscii(data);
        WriteAscii("\n\n");
        return FlushAsync(cancellationToken);
    }

    private void WriteAscii(string text)
    {
        var span = response.BodyWriter.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        var written = Encoding.UTF8.GetBytes(text, span);
        response.BodyWriter.Advance(written);
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var result = await response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled || result.IsCompleted)
            throw new OperationCanceledException("The client stopped reading the stream.", cancellationToken);
    }
}
