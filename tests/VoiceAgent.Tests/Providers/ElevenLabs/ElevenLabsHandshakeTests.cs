using System.Text.Json;
using VoiceAgent.Emulators.ElevenLabs;
using VoiceAgent.Providers.ElevenLabs;
using VoiceAgent.Speech;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.ElevenLabs;

public sealed class ElevenLabsHandshakeTests
{
    [Fact]
    public async Task QueryCarriesModelIdAndUlawOutputFormat()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        var (stream, session) = await harness.OpenWithSessionAsync(ElevenLabsOutputFormats.MuLaw8000);
        await using var _ = stream;

        Assert.Equal(ElevenLabsHarness.VoiceId, session.VoiceId);
        Assert.Equal("eleven_flash_v2_5", session.Query["model_id"]);
        Assert.Equal("ulaw_8000", session.Query["output_format"]);
        Assert.Equal("20", session.Query["inactivity_timeout"]);
        Assert.Equal("true", session.Query["sync_alignment"]);
        Assert.False(session.Query.ContainsKey("language_code"));
    }

    [Fact]
    public async Task QueryCarriesLanguageCodeWhenGiven()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        await using var stream = await harness.OpenAsync(ElevenLabsOutputFormats.Pcm16000, languageCode: "de");
        var session = await harness.Emulator.WaitForSessionAsync(CancellationToken.None).DefaultTimeout();

        Assert.Equal("de", session.Query["language_code"]);
        Assert.Equal("pcm_16000", session.Query["output_format"]);
    }

    [Fact]
    public async Task ApiKeyIsSentInTheUpgradeHeaderNotInTheBos()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        var (stream, session) = await harness.OpenWithSessionAsync();
        await using var _ = stream;
        await session.WaitForFrameAsync(f => f.Kind == ElevenLabsEmulatorFrameKind.Begin, CancellationToken.None).DefaultTimeout();

        Assert.Equal(ElevenLabsHarness.ApiKey, session.ApiKeyHeader);
        Assert.Null(session.Begin!.ApiKeyField);
        Assert.DoesNotContain(ElevenLabsHarness.ApiKey, session.Frames[0].Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BosIsTheFirstFrameWithVoiceSettingsAndChunkSchedule()
    {
        await using var harness = await ElevenLabsHarness.StartAsync(configure: o => o with
        {
            VoiceSettings = new ElevenLabsVoiceSettings { Stability = 0.4, SimilarityBoost = 0.8, Style = 0.1, UseSpeakerBoost = true, Speed = 1.1 },
        });
        var (stream, session) = await harness.OpenWithSessionAsync();
        await using var _ = stream;
        var first = await session.ReadFrameAsync(CancellationToken.None).DefaultTimeout();

        Assert.Equal(0, first.Index);
        Assert.Equal(ElevenLabsEmulatorFrameKind.Begin, first.Kind);
        Assert.Equal(" ", first.Text);
        var begin = session.Begin!;
        Assert.Equal(0.4, begin.Stability);
        Assert.Equal(0.8, begin.SimilarityBoost);
        Assert.Equal(0.1, begin.Style);
        Assert.True(begin.UseSpeakerBoost);
        Assert.Equal(1.1, begin.Speed);
        Assert.Equal([50, 120, 160, 290], begin.ChunkLengthSchedule);
        using var json = JsonDocument.Parse(first.Json);
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("generation_config").GetProperty("chunk_length_schedule").ValueKind);
    }

    [Fact]
    public async Task OpenReturnsWithTheSocketConnectedAndBosSentBeforeAnyText()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        var (stream, session) = await harness.OpenWithSessionAsync();
        await using var _ = stream;

        var first = await session.ReadFrameAsync(CancellationToken.None).DefaultTimeout();

        Assert.Equal(ElevenLabsEmulatorFrameKind.Begin, first.Kind);
        Assert.Null(session.RejectedWithStatus);
    }

    [Fact]
    public async Task BlankStreamVoiceFallsBackToTheOptionsVoice()
    {
        await using var harness = await ElevenLabsHarness.StartAsync(configure: o => o with { VoiceId = "fallbackVoice01" });
        await using var stream = await harness.Client.OpenAsync(new TextToSpeechStreamOptions("", ElevenLabsOutputFormats.MuLaw8000), CancellationToken.None).DefaultTimeout();
        var session = await harness.Emulator.WaitForSessionAsync(CancellationToken.None).DefaultTimeout();

        Assert.Equal("fallbackVoice01", session.VoiceId);
    }

    [Fact]
    public async Task UnknownOutputFormatIsRefusedBeforeConnecting()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => harness.OpenAsync("wav_8000"));
        Assert.Empty(harness.Emulator.Sessions);
    }
}
