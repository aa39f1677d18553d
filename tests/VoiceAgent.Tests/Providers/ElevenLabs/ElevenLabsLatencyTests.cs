using System.Diagnostics;
using VoiceAgent.Speech;
using VoiceAgent.Tests.TestSupport;
using Xunit.Abstractions;

namespace VoiceAgent.Tests.Providers.ElevenLabs;

/// <summary>Measures what the client adds on loopback: connect + upgrade + BOS, and first text to first audio.</summary>
public sealed class ElevenLabsLatencyTests(ITestOutputHelper output)
{
    private const int Runs = 10;

    [Fact]
    public async Task ConnectAndFirstAudioAreFastAgainstTheEmulator()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        await MeasureOnceAsync(harness); // warm-up: JIT, first Kestrel connection

        var connect = new List<double>();
        var firstAudio = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            var (c, f) = await MeasureOnceAsync(harness);
            connect.Add(c);
            firstAudio.Add(f);
        }

        output.WriteLine($"connect (OpenAsync: TCP + upgrade + BOS): median {Median(connect):F2} ms, max {connect.Max():F2} ms");
        output.WriteLine($"first audio (threshold-crossing token sent -> first chunk read): median {Median(firstAudio):F2} ms, max {firstAudio.Max():F2} ms");
        Assert.True(Median(connect) < 250, $"median connect {Median(connect):F1} ms");
        Assert.True(Median(firstAudio) < 250, $"median first audio {Median(firstAudio):F1} ms");
    }

    private static async Task<(double ConnectMs, double FirstAudioMs)> MeasureOnceAsync(ElevenLabsHarness harness)
    {
        var open = Stopwatch.StartNew();
        var stream = await harness.OpenAsync();
        open.Stop();
        await using var _ = stream;
        await using var reader = stream.ReadAudioAsync(CancellationToken.None).GetAsyncEnumerator();

        // 48 characters: just under the first threshold (50)...
        await stream.SendTextAsync("Thanks for calling the downtown branch, how can ", CancellationToken.None).DefaultTimeout();
        // ...and the token that crosses it starts the clock.
        var firstAudio = Stopwatch.StartNew();
        await stream.SendTextAsync("I help? ", CancellationToken.None).DefaultTimeout();
        Assert.True(await reader.MoveNextAsync().AsTask().DefaultTimeout());
        firstAudio.Stop();
        return (open.Elapsed.TotalMilliseconds, firstAudio.Elapsed.TotalMilliseconds);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
