using System.Net.WebSockets;
using System.Text.Json;
using VoiceAgent.Providers.ElevenLabs;

namespace VoiceAgent.Tests.Providers.ElevenLabs;

/// <summary>Parsing of server frames, using the protocol reference's fixtures.</summary>
public sealed class ElevenLabsServerFrameTests
{
    private static ServerFrame Parse(string json) => JsonSerializer.Deserialize(json, ElevenLabsJsonContext.Default.ServerFrame)!;

    // The fixture's base64 holds 163 bytes of μ-law silence (the reference text says 160).
    private const string FixtureAudio = "/////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////w==";

    [Fact]
    public void FixtureAudioChunkDecodesBase64AndAlignment()
    {
        var frame = Parse("""{"audio":""" + "\"" + FixtureAudio + "\"" + ""","isFinal":null,"normalizedAlignment":{"charStartTimesMs":[0,60,120],"charsDurationsMs":[60,60,60],"chars":["O","u","r"]},"alignment":{"charStartTimesMs":[0,60,120],"charsDurationsMs":[60,60,60],"chars":["O","u","r"]}}""");

        var chunk = frame.ToAudioChunk();

        Assert.False(frame.IsFinalMessage);
        Assert.False(frame.IsError);
        Assert.Equal(Convert.FromBase64String(FixtureAudio), chunk.Audio.ToArray());
        Assert.All(chunk.Audio.ToArray(), b => Assert.Equal(0xFF, b));
        Assert.Equal("Our", chunk.AlignedText);
        Assert.Equal([0, 60, 120], chunk.CharStartMs);
        Assert.Equal([60, 60, 60], chunk.CharDurationMs);
    }

    [Theory]
    [InlineData("""{"isFinal":true}""")]
    [InlineData("""{"is_final":true}""")]
    [InlineData("""{"isFinal":true,"contextId":"turn-2"}""")]
    public void BothFinalFlagSpellingsEndTheStream(string json) => Assert.True(Parse(json).IsFinalMessage);

    [Fact]
    public void FixtureErrorFrameIsAnErrorAnnouncingClose1008()
    {
        var frame = Parse("""{"message":"Maximum simultaneous contexts per WebSocket connection exceeded (5). Please close an existing context before opening a new one.","error":"max_active_conversations","code":1008}""");

        Assert.True(frame.IsError);
        Assert.Equal("max_active_conversations", frame.Error);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, frame.AnnouncedCloseStatus);
    }

    [Fact]
    public void NormalizedAlignmentIsUsedWhenAlignmentIsMissing()
    {
        var frame = Parse("""{"audio":"AAAA","alignment":null,"normalizedAlignment":{"charStartTimesMs":[0,12.6],"charsDurationsMs":[12.6,30],"chars":["h","i"]}}""");

        var chunk = frame.ToAudioChunk();

        Assert.Equal("hi", chunk.AlignedText);
        Assert.Equal([0, 13], chunk.CharStartMs);
        Assert.Equal([13, 30], chunk.CharDurationMs);
    }

    [Fact]
    public void AudioWithoutAlignmentHasEmptyAlignment()
    {
        var chunk = Parse("""{"audio":"AAAA","alignment":null,"normalizedAlignment":null}""").ToAudioChunk();

        Assert.Equal(3, chunk.Audio.Length);
        Assert.Equal("", chunk.AlignedText);
        Assert.Empty(chunk.CharStartMs);
    }
}
