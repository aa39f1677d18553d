using System.Net.Http.Headers;
using System.Text;

namespace VoiceAgent.Emulators.Vonage;

/// <summary>
/// Vonage's side of the HTTP webhooks, signed as Vonage signs them (<see cref="VonageWebhookSigner"/>): the
/// answer webhook (GET with <c>to</c>, <c>from</c>, <c>uuid</c>, <c>conversation_uuid</c>) and call-status events
/// (JSON POST). Pair it with <see cref="VonageCaller"/> to place a whole call.
/// </summary>
public sealed class VonageWebhookClient(HttpClient http, Uri serverBase, string signatureSecret, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Calls the answer URL (default <c>/vonage/answer</c>) and returns the NCCO's websocket endpoint.</summary>
    /// <exception cref="HttpRequestException">The server refused the webhook.</exception>
    public async Task<VonageAnswer> AnswerAsync(string uuid, string from, string to, CancellationToken cancellationToken, string path = "/vonage/answer")
    {
        using var response = await SendAnswerAsync(uuid, from, to, cancellationToken, path);
        response.EnsureSuccessStatusCode();
        return VonageAnswer.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>Calls the answer URL and returns the raw response (for tests of refusals).</summary>
    public Task<HttpResponseMessage> SendAnswerAsync(string uuid, string from, string to, CancellationToken cancellationToken, string path = "/vonage/answer")
    {
        KeyValuePair<string, string>[] query = [new("to", to), new("from", from), new("uuid", uuid), new("conversation_uuid", "CON-" + uuid)];
        var url = new Uri(serverBase, path + "?" + string.Join('&', query.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value))));
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", VonageWebhookSigner.Sign(signatureSecret, VonageWebhookSigner.QueryPayload(query), _clock.GetUtcNow()));
        return SendAsync(request, cancellationToken);
    }

    /// <summary>Posts a call-status event (default to <c>/vonage/event</c>) as Vonage does: compact JSON, signed over its bytes.</summary>
    public Task<HttpResponseMessage> SendEventAsync(string uuid, string status, CancellationToken cancellationToken, string path = "/vonage/event")
    {
        var body = $$"""{"uuid":"{{uuid}}","conversation_uuid":"CON-{{uuid}}","status":"{{status}}","direction":"inbound","timestamp":"{{_clock.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ}}"}""";
        return SendSignedAsync(HttpMethod.Post, path, Encoding.UTF8.GetBytes(body), cancellationToken);
    }

    /// <summary>Sends <paramref name="body"/> signed with a token over exactly those bytes.</summary>
    public Task<HttpResponseMessage> SendSignedAsync(HttpMethod method, string path, byte[] body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, new Uri(serverBase, path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", VonageWebhookSigner.Sign(signatureSecret, body, _clock.GetUtcNow()));
        return SendAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request) return await http.SendAsync(request, cancellationToken);
    }
}
