using VoiceAgent.Emulators.Audio;

namespace VoiceAgent.Tests.EmulatorsTests.Audio;

public class EchoPathTests
{
    [Fact]
    public void Echo_comes_back_after_the_delay_at_the_configured_gain()
    {
        // 8 kHz, 160-sample frames, 30 ms delay = 240 samples (not a whole number of frames).
        var echo = new EchoPath(new EchoSimulation { Delay = TimeSpan.FromMilliseconds(30), GainDb = -12 }, 8000, 160);
        var impulse = new short[160];
        impulse[0] = 10000;
        var output = new short[160];
        var heard = new List<short>();

        for (var frame = 0; frame < 4; frame++)
        {
            echo.Advance(frame == 0 ? impulse : new short[160], output);
            heard.AddRange(output);
        }

        var position = heard.FindIndex(s => s != 0);
        Assert.Equal(240, position);
        Assert.Equal((short)Math.Round(10000 * Math.Pow(10, -12 / 20.0)), heard[position]);
        Assert.Single(heard, s => s != 0);
    }
}
