using System.Text.Json;

namespace VoiceAgent.Emulators.Vonage;

/// <summary>
/// Checks a server → Vonage text frame against protocols/vonage-voice-websocket.md §3: <c>{"action":"clear"}</c>
/// or <c>{"action":"notify","payload":{…}}</c> with an object payload. Pure; no socket.
/// </summary>
internal static class VonageServerCommandParser
{
    /// <summary>A command that passed (<see cref="Problem"/> null) or why it is refused.</summary>
    internal readonly record struct Result(string? Action, JsonElement Payload, string? Problem);

    public static Result Parse(string json)
    {
        ServerCommand? command;
        try
        {
            command = JsonSerializer.Deserialize(json, VonageJsonContext.Default.ServerCommand);
        }
        catch (JsonException ex)
        {
            return new Result(null, default, $"not a valid command: {ex.Message}");
        }
        if (command is null) return new Result(null, default, "not a JSON object");

        return command.Action switch
        {
            "clear" => new Result("clear", default, null),
            "notify" when command.Payload is { ValueKind: JsonValueKind.Object } payload => new Result("notify", payload.Clone(), null),
            "notify" => new Result("notify", default, "notify without an object payload"),
            null when command.Event is "clearAudio" => new Result(null, default, "obsolete {\"event\":\"clearAudio\"}; Vonage's clear is {\"action\":\"clear\"}"),
            null => new Result(null, default, "no action"),
            var other => new Result(other, default, $"unknown action '{other}'"),
        };
    }
}
