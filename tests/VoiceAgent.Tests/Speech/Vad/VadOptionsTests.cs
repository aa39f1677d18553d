using VoiceAgent.Speech.Vad;

namespace VoiceAgent.Tests.Speech.Vad;

public class VadOptionsTests
{
    public static TheoryData<VadOptions, string> InvalidSettings => new()
    {
        { new VadOptions { StartThresholdDb = 41 }, nameof(VadOptions.StartThresholdDb) },
        { new VadOptions { ContinueThresholdDb = 12 }, nameof(VadOptions.ContinueThresholdDb) },
        { new VadOptions { MinSpeechLevelDbfs = 3 }, nameof(VadOptions.MinSpeechLevelDbfs) },
        { new VadOptions { VoicingThreshold = 1 }, nameof(VadOptions.VoicingThreshold) },
        { new VadOptions { MinSpeechMs = 10 }, nameof(VadOptions.MinSpeechMs) },
        { new VadOptions { HangoverMs = 0 }, nameof(VadOptions.HangoverMs) },
        { new VadOptions { NoiseFloorFastRiseMs = 50_000 }, nameof(VadOptions.NoiseFloorFastRiseMs) },
        { new VadOptions { StationaryDeviationDb = -1 }, nameof(VadOptions.StationaryDeviationDb) },
        { new VadOptions { EchoReturnLossDb = 90 }, nameof(VadOptions.EchoReturnLossDb) },
        { new VadOptions { EchoMarginDb = -2 }, nameof(VadOptions.EchoMarginDb) },
        { new VadOptions { EchoMinDelayMs = 500, EchoMaxDelayMs = 100 }, nameof(VadOptions.EchoMaxDelayMs) },
        { new VadOptions { MaxQueuedPlaybackMs = -1 }, nameof(VadOptions.MaxQueuedPlaybackMs) },
    };

    [Fact]
    public void DefaultsAreValid()
    {
        Assert.Empty(new VadOptions().Validate());
    }

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void EachInvalidSettingIsReportedByNameWithAHint(VadOptions options, string property)
    {
        string error = Assert.Single(options.Validate());

        Assert.Contains(property, error);
        Assert.Contains("default", error);
    }

    [Fact]
    public void EveryProblemIsListedAtOnce()
    {
        var options = new VadOptions { MinSpeechMs = 0, HangoverMs = 0, EchoMarginDb = 99 };

        Assert.Equal(3, options.Validate().Count);
    }

    [Fact]
    public void DetectorRefusesInvalidOptionsNamingEveryProblem()
    {
        var options = new VadOptions { MinSpeechMs = 0, HangoverMs = 0 };

        var error = Assert.Throws<ArgumentException>(() => new VoiceActivityDetector(options, 8000));

        Assert.Contains(nameof(VadOptions.MinSpeechMs), error.Message);
        Assert.Contains(nameof(VadOptions.HangoverMs), error.Message);
    }
}
