using System.Net.WebSockets;
using VoiceAgent.Emulators.Vonage;
using VoiceAgent.Tests.EmulatorsTests.TestServer;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EmulatorsTests.Vonage;

/// <summary>A <see cref="VonageCaller"/> connected to the scripted server.</summary>
public abstract class VonageTestBase : CallerTestBase
{
    protected const int FrameBytes = 640;

    internal async Task<(VonageCaller Caller, ServerSideConnection Server)> ConnectAsync(VonageCallerOptions? options = null)
    {
        var caller = await VonageCaller.ConnectAsync(Server.Url("/vonage/socket"), options ?? new VonageCallerOptions(), Timeout).DefaultTimeout();
        var connection = await Server.AcceptAsync(Timeout).DefaultTimeout();
        return (caller, connection);
    }

    internal async Task<List<ServerReceivedMessage>> ReadAudioAsync(ServerSideConnection server, int count)
    {
        var frames = new List<ServerReceivedMessage>(count);
        while (frames.Count < count) frames.Add(await server.ReadUntilAsync(m => m.Type == WebSocketMessageType.Binary, Timeout).DefaultTimeout());
        return frames;
    }

    internal Task<ServerReceivedMessage> ReadEventAsync(ServerSideConnection server, string name)
        => server.ReadUntilAsync(m => m.Event == name, Timeout).DefaultTimeout();

    /// <summary>Sends <paramref name="pcm"/> as back-to-back 640-byte messages.</summary>
    internal async Task SendAudioAsync(ServerSideConnection server, byte[] pcm)
    {
        for (var offset = 0; offset < pcm.Length; offset += FrameBytes)
            await server.SendBinaryAsync(pcm.AsMemory(offset, FrameBytes), Timeout).DefaultTimeout();
    }
}
