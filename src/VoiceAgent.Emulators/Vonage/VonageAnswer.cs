using System.Text.Json.Nodes;

namespace VoiceAgent.Emulators.Vonage;

/// <summary>The <c>connect</c> → <c>websocket</c> endpoint of an answer NCCO: where Vonage would connect, and what it would echo.</summary>
/// <param name="SocketUri">The endpoint's <c>uri</c> (the server's public URL).</param>
/// <param name="ContentType">The endpoint's <c>content-type</c>, e.g. <c>audio/l16;rate=16000</c>.</param>
/// <param name="Headers">The endpoint's <c>headers</c>, echoed in <c>websocket:connected</c>.</param>
public sealed record VonageAnswer(Uri SocketUri, string ContentType, IReadOnlyDictionary<string, JsonNode?> Headers)
{
    /// <summary>Caller options that play this leg (rate from the content type, the headers to echo).</summary>
    public VonageCallerOptions ToCallerOptions(VonageCallerOptions? options = null)
        => (options ?? new VonageCallerOptions()) with
        {
            Headers = Headers,
            SampleRate = ContentType.EndsWith("rate=8000", StringComparison.Ordinal) ? 8000 : 16000,
        };

    /// <summary>Reads the first websocket endpoint of <paramref name="ncco"/>; throws when there is none.</summary>
    public static VonageAnswer Parse(string ncco)
    {
        var actions = JsonNode.Parse(ncco)?.AsArray() ?? throw new FormatException("The NCCO is not a JSON array.");
        foreach (var action in actions)
        {
            if (action?["action"]?.GetValue<string>() != "connect" || action["endpoint"] is not JsonArray endpoints) continue;
            foreach (var endpoint in endpoints)
            {
                if (endpoint?["type"]?.GetValue<string>() != "websocket") continue;
                var headers = endpoint["headers"] is JsonObject h
                    ? h.ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal)
                    : new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
                return new VonageAnswer(new Uri(endpoint["uri"]!.GetValue<string>()), endpoint["content-type"]?.GetValue<string>() ?? "audio/l16;rate=16000", headers);
            }
        }
        throw new FormatException("The NCCO has no connect action with a websocket endpoint: " + ncco);
    }
}
