using System.Text.Json;

namespace VoiceAgent.Emulators.Twilio;

/// <summary>One frame the server sent to the emulated Twilio, with the caller-side monotonic receive time.</summary>
public sealed record RelayServerFrame(string Type, string Json, long ReceivedAt)
{
    public string? Token => Get("token");
    public bool Last => TryGet("last", out var v) && v.ValueKind == JsonValueKind.True;
    public string? HandoffData => Get("handoffData");

    public string? Get(string property) => TryGet(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private bool TryGet(string property, out JsonElement value)
    {
        using var doc = JsonDocument.Parse(Json);
        if (doc.RootElement.TryGetProperty(property, out var v)) { value = v.Clone(); return true; }
        value = default;
        return false;
    }
}
