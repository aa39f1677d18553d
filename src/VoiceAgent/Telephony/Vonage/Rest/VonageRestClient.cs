using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Telephony.Vonage.Rest;

/// <summary>
/// The Vonage Voice API calls the warm transfer needs, written by hand (no Vonage package is served on the feed here):
/// <c>PUT /v1/calls/{uuid}</c> with <c>transfer</c> to an inline NCCO or <c>hangup</c> (204), and <c>POST /v1/calls</c>
/// with an inline NCCO (201, <c>{"uuid",…}</c>). JSON bodies, <c>Authorization: Bearer</c> with an application JWT.
/// </summary>
internal sealed class VonageRestClient(HttpClient http, Uri baseUrl, VonageApplicationToken token)
{
    /// <summary>Moves the live leg <paramref name="uuid"/> to <paramref name="nccoJson"/> (a JSON array); its current NCCO, a WebSocket included, ends.</summary>
    public Task TransferAsync(string uuid, string nccoJson, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Put, "/v1/calls/" + Uri.EscapeDataString(uuid), w =>
        {
            w.WriteString("action", "transfer");
            w.WriteStartObject("destination");
            w.WriteString("type", "ncco");
            w.WritePropertyName("ncco");
            w.WriteRawValue(nccoJson);
            w.WriteEndObject();
        }, cancellationToken);

    /// <summary>Ends the leg <paramref name="uuid"/> whatever its state (ringing legs are cancelled).</summary>
    public Task HangUpAsync(string uuid, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Put, "/v1/calls/" + Uri.EscapeDataString(uuid), w => w.WriteString("action", "hangup"), cancellationToken);

    /// <summary>Dials a phone number that runs <see cref="VonageCallRequest.NccoJson"/> once answered; returns the new leg's uuid.</summary>
    public async Task<string> CreateCallAsync(VonageCallRequest call, CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Post, "/v1/calls", w =>
        {
            w.WriteStartArray("to");
            w.WriteStartObject();
            w.WriteString("type", "phone");
            w.WriteString("number", Digits(call.To));
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartObject("from");
            w.WriteString("type", "phone");
            w.WriteString("number", Digits(call.From));
            w.WriteEndObject();
            w.WritePropertyName("ncco");
            w.WriteRawValue(call.NccoJson);
            w.WriteStartArray("event_url");
            w.WriteStringValue(call.EventUrl.AbsoluteUri);
            w.WriteEndArray();
            w.WriteString("event_method", "POST");
            w.WriteNumber("ringing_timer", call.RingingTimerSeconds);
        }, cancellationToken);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("uuid", out var uuid) && uuid.GetString() is { Length: > 0 } value) return value;
        }
        catch (JsonException)
        {
        }
        throw new VonageRestException(201, "the created call has no uuid");
    }

    /// <summary>Vonage numbers are E.164 without the plus.</summary>
    private static string Digits(string number) => number.StartsWith('+') ? number[1..] : number;

    private async Task<string> SendAsync(HttpMethod method, string path, Action<Utf8JsonWriter> writeBody, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            writeBody(w);
            w.WriteEndObject();
        }
        using var request = new HttpRequestMessage(method, new Uri(baseUrl, path)) { Content = new ByteArrayContent(buffer.ToArray()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Mint());
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode) return text;
        throw new VonageRestException((int)response.StatusCode, text.Length > 300 ? text[..300] : text);
    }
}

/// <summary>What <see cref="VonageRestClient.CreateCallAsync"/> sends: who, from where, the NCCO run on answer, where leg events go, how long it rings.</summary>
internal sealed record VonageCallRequest(string To, string From, string NccoJson, Uri EventUrl, int RingingTimerSeconds);

/// <summary>A Vonage REST error: the HTTP status and (the start of) Vonage's problem body.</summary>
public sealed class VonageRestException : Exception
{
    public VonageRestException() { }
    public VonageRestException(string message) : base(message) { }
    public VonageRestException(string message, Exception inner) : base(message, inner) { }
    public VonageRestException(int status, string body) : base($"Vonage REST answered {status}: {body}") => Status = status;

    public int Status { get; }
}
