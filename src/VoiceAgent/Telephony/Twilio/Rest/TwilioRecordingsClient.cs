using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Telephony.Twilio.Rest;

/// <summary>
/// Twilio's call Recordings API (2010-04-01): <c>POST …/Calls/{CallSid}/Recordings.json</c> starts one
/// (<c>RecordingChannels=dual</c>), <c>POST …/Calls/{CallSid}/Recordings/Twilio.CURRENT.json</c> with <c>Status</c>
/// <c>paused</c>/<c>in-progress</c>/<c>stopped</c> changes the active one, <c>GET …/Recordings/{Sid}.json</c> reads its
/// status, <c>GET …/Recordings/{Sid}.wav</c> fetches the audio, <c>DELETE …/Recordings/{Sid}.json</c> removes it.
/// Form-encoded, HTTP Basic with the account SID and auth token.
/// </summary>
internal sealed class TwilioRecordingsClient(HttpClient http, Uri baseUrl, string accountSid, string authToken)
{
    public const string Current = "Twilio.CURRENT";

    public async Task<string> StartAsync(string callSid, CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Post, $"Calls/{Uri.EscapeDataString(callSid)}/Recordings.json",
            [new("RecordingChannels", "dual"), new("RecordingTrack", "both")], cancellationToken);
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("sid").GetString() ?? throw new TwilioRestException("Recording created without a sid");
    }

    /// <summary><paramref name="status"/>: <c>paused</c>, <c>in-progress</c> (resume) or <c>stopped</c>.</summary>
    public Task UpdateCurrentAsync(string callSid, string status, CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> form = [new("Status", status)];
        // Skip the paused stretch (rather than fill it with silence): the card entry leaves no trace, not even its length.
        if (status == "paused") form.Add(new("PauseBehavior", "skip"));
        return SendAsync(HttpMethod.Post, $"Calls/{Uri.EscapeDataString(callSid)}/Recordings/{Current}.json", form, cancellationToken);
    }

    public async Task<string?> GetStatusAsync(string recordingSid, CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Get, $"Recordings/{Uri.EscapeDataString(recordingSid)}.json", null, cancellationToken);
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.TryGetProperty("status", out var status) ? status.GetString() : null;
    }

    public async Task<byte[]> DownloadWavAsync(string recordingSid, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, $"Recordings/{Uri.EscapeDataString(recordingSid)}.wav", null);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public Task DeleteAsync(string recordingSid, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Delete, $"Recordings/{Uri.EscapeDataString(recordingSid)}.json", null, cancellationToken);

    private async Task<string> SendAsync(HttpMethod method, string path, List<KeyValuePair<string, string>>? form, CancellationToken cancellationToken)
    {
        using var request = Request(method, path, form);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, List<KeyValuePair<string, string>>? form)
    {
        var uri = new Uri(baseUrl, $"/2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}/{path}");
        var request = new HttpRequestMessage(method, uri);
        if (form is not null) request.Content = new FormUrlEncodedContent(form);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{authToken}")));
        return request;
    }

    private static async Task<TwilioRestException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        int? code = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("code", out var c) && c.TryGetInt32(out var value)) code = value;
        }
        catch (JsonException) { }
        return new TwilioRestException((int)response.StatusCode, code, body.Length > 300 ? body[..300] : body);
    }
}
