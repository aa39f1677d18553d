using VoiceAgent.Speech.Audio;
using VoiceAgent.Speech.Vad;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.Speech.Vad;

public class VoiceActivityDetectorWireExtensionsTests
{
    [Fact]
    public async Task MuLawFramesGiveTheSameDecisionsAsDecodedSamples()
    {
        short[] speech = await TestAudio.SpeechAsync("Please call me back tomorrow morning.", 8000).DefaultTimeout();
        short[] played = AudioEdit.Gain(speech, -6);
        var wire = new byte[speech.Length];
        var playedWire = new byte[played.Length];
        MuLaw.Encode(speech, wire);
        MuLaw.Encode(played, playedWire);
        var fromWire = new VoiceActivityDetector(new VadOptions(), 8000);
        var fromSamples = new VoiceActivityDetector(new VadOptions(), 8000);
        var pcm = new short[160];

        for (int f = 0; (f + 1) * 160 <= wire.Length; f++)
        {
            fromWire.ObservePlaybackMuLaw(playedWire.AsSpan(f * 160, 160));
            MuLaw.Decode(playedWire.AsSpan(f * 160, 160), pcm);
            fromSamples.ObservePlayback(pcm);

            VadEvent a = fromWire.ProcessMuLaw(wire.AsSpan(f * 160, 160));
            MuLaw.Decode(wire.AsSpan(f * 160, 160), pcm);
            VadEvent b = fromSamples.Process(pcm);

            Assert.Equal(b, a);
            Assert.Equal(fromSamples.SpeechProbability, fromWire.SpeechProbability);
        }
    }

    [Fact]
    public async Task Pcm16FramesGiveTheSameDecisionsAsSamples()
    {
        short[] speech = await TestAudio.SpeechAsync("Please call me back tomorrow morning.", 16000).DefaultTimeout();
        byte[] wire = AudioEdit.ToBytes(speech);
        var fromWire = new VoiceActivityDetector(new VadOptions(), 16000);
        var fromSamples = new VoiceActivityDetector(new VadOptions(), 16000);

        for (int f = 0; (f + 1) * 320 <= speech.Length; f++)
        {
            fromWire.ObservePlaybackPcm16(wire.AsSpan(f * 640, 640));
            fromSamples.ObservePlayback(speech.AsSpan(f * 320, 320));

            Assert.Equal(fromSamples.Process(speech.AsSpan(f * 320, 320)), fromWire.ProcessPcm16(wire.AsSpan(f * 640, 640)));
            Assert.Equal(fromSamples.SpeechProbability, fromWire.SpeechProbability);
        }
    }

    [Fact]
    public void MuLawIsRefusedByA16KilohertzDetector()
    {
        var detector = new VoiceActivityDetector(new VadOptions(), 16000);

        Assert.Throws<ArgumentException>(() => detector.ProcessMuLaw(new byte[160]));
    }

    [Fact]
    public void WrongSizedPcmFramesAreRefused()
    {
        var detector = new VoiceActivityDetector(new VadOptions(), 8000);

        Assert.Throws<ArgumentException>(() => detector.ProcessPcm16(new byte[640]));
    }
}
