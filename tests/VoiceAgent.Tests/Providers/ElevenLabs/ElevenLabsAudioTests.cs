using VoiceAgent.Emulators.ElevenLabs;
using VoiceAgent.Providers.ElevenLabs;
using VoiceAgent.Speech;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.ElevenLabs;

public sealed class ElevenLabsAudioTests
{
    private const string Reply = "Our hours are nine to five, Monday to Friday. Anything else I can help with?";
    private static readonly string[] ReplyTokens =
        ["Our", " hours", " are", " nine", " to", " five", ",", " Mon", "day", " to", " Friday", ".", " Anything", " else", " I", " can", " help", " with", "?"];

    [Fact]
    public async Task AudioArrivesInOrderWithAlignmentThatSpellsTheInput()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        await using var stream = await harness.OpenAsync();

        await ElevenLabsHarness.SpeakAsync(stream, ReplyTokens);
        var chunks = await ElevenLabsHarness.ReadAllAsync(stream).DefaultTimeout();

        Assert.True(chunks.Count > 5, $"expected several chunks, got {chunks.Count}");
        Assert.Equal(Reply, string.Concat(ReplyTokens));
        // The client ends the reply with the flush frame's trailing space; that space is spoken too.
        Assert.Equal(Reply + " ", string.Concat(chunks.Select(c => c.AlignedText)));
    }

    [Fact]
    public async Task UlawAudioIs65MsPerCharacterAt8KHz()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        await using var stream = await harness.OpenAsync(ElevenLabsOutputFormats.MuLaw8000);

        await ElevenLabsHarness.SpeakAsync(stream, ReplyTokens);
        var chunks = await ElevenLabsHarness.ReadAllAsync(stream).DefaultTimeout();

        const int bytesPerCharacter = 8000 * 65 / 1000;
        var characters = chunks.Sum(c => c.AlignedText.Length);
        Assert.Equal(characters * bytesPerCharacter, chunks.Sum(c => c.Audio.Length));
        var seconds = chunks.Sum(c => c.Audio.Length) / 8000.0;
        Assert.InRange(seconds, Reply.Length * 0.065, (Reply.Length + 1) * 0.065 + 0.001);
        Assert.All(chunks, c => Assert.Equal(c.AlignedText.Length * bytesPerCharacter, c.Audio.Length));
    }

    [Fact]
    public async Task Pcm16000AudioIs16BitAt16KHz()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        await using var stream = await harness.OpenAsync(ElevenLabsOutputFormats.Pcm16000);

        await ElevenLabsHarness.SpeakAsync(stream, "Hello", " there.");
        var chunks = await ElevenLabsHarness.ReadAllAsync(stream).DefaultTimeout();

        const int bytesPerCharacter = 16000 * 65 / 1000 * 2;
        Assert.Equal("Hello there. ", string.Concat(chunks.Select(c => c.AlignedText)));
        Assert.Equal("Hello there. ".Length * bytesPerCharacter, chunks.Sum(c => c.Audio.Length));
    }

    [Fact]
    public async Task AlignmentTimesAreRelativeToEachChunk()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        await using var stream = await harness.OpenAsync();

        await ElevenLabsHarness.SpeakAsync(stream, ReplyTokens);
        var chunks = await ElevenLabsHarness.ReadAllAsync(stream).DefaultTimeout();

        Assert.All(chunks, c =>
        {
            Assert.Equal(c.AlignedText.Length, c.CharStartMs.Count);
            Assert.Equal(c.AlignedText.Length, c.CharDurationMs.Count);
            Assert.Equal(0, c.CharStartMs[0]);
            Assert.Equal(Enumerable.Range(0, c.CharStartMs.Count).Select(i => i * 65), c.CharStartMs);
            Assert.All(c.CharDurationMs, d => Assert.Equal(65, d));
        });
    }

    [Fact]
    public async Task FirstAudioArrivesOnceTheFirstScheduleThresholdIsReachedWithoutCompleting()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        await using var stream = await harness.OpenAsync();
        await using var reader = stream.ReadAudioAsync(CancellationToken.None).GetAsyncEnumerator();

        // More than the first threshold (50 characters); the reply is not complete, nothing is flushed.
        foreach (var token in ReplyTokens.Take(14)) await stream.SendTextAsync(token, CancellationToken.None).DefaultTimeout();

        Assert.True(await reader.MoveNextAsync().AsTask().DefaultTimeout());
        Assert.StartsWith(reader.Current.AlignedText, Reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VoicedLettersAndQuietSpacesSurviveTheUlawRoundTrip()
    {
        await using var harness = await ElevenLabsHarness.StartAsync();
        await using var stream = await harness.OpenAsync(ElevenLabsOutputFormats.MuLaw8000);

        await ElevenLabsHarness.SpeakAsync(stream, "Yes", " it", " is", ".");
        var chunks = await ElevenLabsHarness.ReadAllAsync(stream).DefaultTimeout();

        var text = string.Concat(chunks.Select(c => c.AlignedText));
        var samples = MuLawDecoder.Decode(chunks.SelectMany(c => c.Audio.ToArray()).ToArray());
        for (var i = 0; i < text.Length; i++)
        {
            var rms = Rms(samples.AsSpan(i * 520, 520));
            if (char.IsLetter(text[i])) Assert.True(rms > 1000, $"'{text[i]}' at {i} is too quiet: {rms:F0}");
            else Assert.True(rms < 60, $"'{text[i]}' at {i} is too loud: {rms:F0}");
        }
    }

    internal static double Rms(ReadOnlySpan<short> samples)
    {
        var sum = 0.0;
        foreach (var s in samples) sum += (double)s * s;
        return Math.Sqrt(sum / samples.Length);
    }
}
