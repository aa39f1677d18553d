using System.Text.Json;

namespace VoiceAgent.Emulators.Twilio.MediaStreams;

/// <summary>
/// Checks a server → Twilio frame against protocols/twilio-media-streams.md §3: <c>media</c> with a base64
/// μ-law payload, <c>mark</c> with a name, <c>clear</c>, each addressed to this stream's SID. Pure; no socket.
/// </summary>
internal static class MediaStreamsServerFrameParser
{
    /// <summary>A frame that passed (<see cref="Problem"/> null) or why it would be dropped.</summary>
    internal readonly record struct Result(string? Event, byte[]? Audio, string? MarkName, string? Problem);

    public static Result Parse(string json, string streamSid)
    {
        MediaStreamsServerMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(json, MediaStreamsJsonContext.Default.MediaStreamsServerMessage);
        }
        catch (JsonException ex)
        {
            return Fail(null, $"not a valid frame: {ex.Message}");
        }
        if (message is null) return Fail(null, "not a JSON object");

        var name = message.Event;
        if (name is not ("media" or "mark" or "clear")) return Fail(name, name is null ? "no event" : $"unknown event '{name}'");
        if (message.StreamSid != streamSid)
            return Fail(name, message.StreamSid is null ? "no streamSid" : $"streamSid '{message.StreamSid}' is not this stream's '{streamSid}'");

        switch (name)
        {
            case "media":
                if (string.IsNullOrEmpty(message.Media?.Payload)) return Fail(name, "media without payload");
                var payload = message.Media.Payload;
                var audio = new byte[payload.Length * 3 / 4];
                if (!Convert.TryFromBase64String(payload, audio, out var length)) return Fail(name, "payload is not valid base64");
                return new Result(name, audio.AsSpan(0, length).ToArray(), null, null);
            case "mark":
                if (string.IsNullOrEmpty(message.Mark?.Name)) return Fail(name, "mark without name");
                return new Result(name, null, message.Mark.Name, null);
            default:
                return new Result(name, null, null, null);
        }
    }

    private static Result Fail(string? name, string problem) => new(name, null, null, problem);
}
