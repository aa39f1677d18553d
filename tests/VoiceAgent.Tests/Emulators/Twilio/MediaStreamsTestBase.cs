using System.Text.Json;
using VoiceAgent.Emulators.Twilio.MediaStreams;
using VoiceAgent.Tests.EmulatorsTests.TestServer;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EmulatorsTests.Twilio;

/// <summary>A <see cref="MediaStreamsCaller"/> connected to the scripted server, and the server's frames to send back.</summary>
public abstract class MediaStreamsTestBase : CallerTestBase
{
    protected const string AuthToken = "12345";
    protected const string SignedUrl = "wss://voice.example.com/media";
    protected const string ZeroStreamSid = "MZ00000000000000000000000000000000";

    /// <summary>The fixtures' call: all-zero SIDs and <c>tenantId=acme</c>.</summary>
    protected static MediaStreamsCallerOptions FixtureCall(bool silenceWhenIdle = true) => new()
    {
        AccountSid = "AC00000000000000000000000000000000",
        CallSid = "CA00000000000000000000000000000000",
        StreamSid = ZeroStreamSid,
        CustomParameters = new Dictionary<string, string> { ["tenantId"] = "acme" },
        SendSilenceWhenIdle = silenceWhenIdle,
    };

    internal async Task<(MediaStreamsCaller Caller, ServerSideConnection Server)> ConnectAsync(MediaStreamsCallerOptions? options = null, string? authToken = AuthToken)
    {
        var caller = await MediaStreamsCaller.ConnectAsync(Server.Url("/media"), SignedUrl, authToken, options ?? FixtureCall(), Timeout).DefaultTimeout();
        var connection = await Server.AcceptAsync(Timeout).DefaultTimeout();
        return (caller, connection);
    }

    /// <summary>Reads until the next frame with <c>event</c> = <paramref name="name"/>.</summary>
    internal Task<ServerReceivedMessage> ReadEventAsync(ServerSideConnection server, string name)
        => server.ReadUntilAsync(m => m.Event == name, Timeout).DefaultTimeout();

    /// <summary>Reads the next <paramref name="count"/> media frames.</summary>
    internal async Task<List<ServerReceivedMessage>> ReadMediaAsync(ServerSideConnection server, int count)
    {
        var frames = new List<ServerReceivedMessage>(count);
        while (frames.Count < count) frames.Add(await ReadEventAsync(server, "media"));
        return frames;
    }

    internal static byte[] Payload(ServerReceivedMessage media) => Convert.FromBase64String(media.Json.GetProperty("media").GetProperty("payload").GetString()!);

    protected static string MediaFrame(string streamSid, ReadOnlySpan<byte> audio)
        => $$$"""{"event":"media","streamSid":"{{{streamSid}}}","media":{"payload":"{{{Convert.ToBase64String(audio)}}}"}}""";

    protected static string MarkFrame(string streamSid, string name) => $$$"""{"event":"mark","streamSid":"{{{streamSid}}}","mark":{"name":"{{{name}}}"}}""";

    protected static string ClearFrame(string streamSid) => $$$"""{"event":"clear","streamSid":"{{{streamSid}}}"}""";

    /// <summary>Sends <paramref name="audio"/> as back-to-back media frames of <paramref name="chunkBytes"/>, as a TTS burst would.</summary>
    internal async Task SendAudioAsync(ServerSideConnection server, string streamSid, byte[] audio, int chunkBytes = 160)
    {
        for (var offset = 0; offset < audio.Length; offset += chunkBytes)
            await server.SendTextAsync(MediaFrame(streamSid, audio.AsSpan(offset, Math.Min(chunkBytes, audio.Length - offset))), Timeout).DefaultTimeout();
    }

    protected static string Str(JsonElement element, string property)
    {
        var value = element.GetProperty(property);
        Assert.Equal(JsonValueKind.String, value.ValueKind);
        return value.GetString()!;
    }
}
