using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace VoiceAgent.Cli.Dial;

/// <summary>
/// <c>dial</c>: asks the server to place an outbound call (<c>POST /admin/calls</c>, which goes through Twilio's
/// Calls.json from TWILIO_CALLER_ID) and, with <c>--wait</c>, follows its status and answering-machine callbacks
/// (<c>GET /admin/outbound/{id}</c>) until the call ends.
/// </summary>
internal static class DialCommand
{
    private static readonly string[] Final = ["completed", "busy", "no-answer", "failed", "canceled"];

    public static async Task<int> RunAsync(DialOptions options, TextWriter output, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = options.ServerUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AdminToken);
        using var response = await http.PostAsJsonAsync("/admin/calls", new Dictionary<string, object?>
        {
            ["to"] = options.To,
            ["transport"] = options.Transport,
            ["context"] = options.Context,
        }, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            await output.WriteLineAsync($"not placed ({(int)response.StatusCode}): {Detail(body)}");
            return 1;
        }
        using var placed = JsonDocument.Parse(body);
        var callSid = placed.RootElement.GetProperty("callSid").GetString();
        var id = placed.RootElement.GetProperty("outboundId").GetString();
        await output.WriteLineAsync($"placed {callSid} (outbound id {id})");
        if (!options.Wait) return 0;

        var shown = 0;
        var deadline = DateTimeOffset.UtcNow + options.WaitLimit;
        while (DateTimeOffset.UtcNow < deadline)
        {
            using var state = JsonDocument.Parse(await http.GetStringAsync($"/admin/outbound/{id}", ct));
            var events = state.RootElement.GetProperty("events").EnumerateArray().ToList();
            foreach (var e in events.Skip(shown))
                await output.WriteLineAsync($"  {e.GetProperty("at").GetDateTimeOffset():HH:mm:ss.fff}  {e.GetProperty("kind").GetString(),-9} {e.GetProperty("value").GetString()}");
            shown = events.Count;
            var status = state.RootElement.GetProperty("status").GetString();
            if (Final.Contains(status))
            {
                var answeredBy = state.RootElement.GetProperty("answeredBy") is { ValueKind: JsonValueKind.String } a ? a.GetString() : "-";
                await output.WriteLineAsync($"ended {status}; answered by {answeredBy}; voicemail left: {(state.RootElement.GetProperty("voicemailLeft").GetBoolean() ? "yes" : "no")}");
                return status == "completed" ? 0 : 3;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
        }
        await output.WriteLineAsync("still in progress after the wait limit");
        return 4;
    }

    private static string Detail(string body)
    {
        try { return JsonDocument.Parse(body).RootElement.TryGetProperty("detail", out var d) ? d.GetString() ?? body : body; }
        catch (JsonException) { return body; }
    }
}
