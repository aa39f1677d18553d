using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Speech.Audio;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>
/// Model call control on the audio path: keypad tones go into the outbound audio, a language switch re-opens speech
/// recognition and synthesis in the new locale, and what cannot happen here is refused or never offered; the model
/// hears what actually happened.
/// </summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)] // real-time audio: keep the cores free for the 20 ms clocks
public sealed class MediaStreamsToolTests
{
    [Fact]
    public async Task Send_digits_plays_keypad_tones_into_the_call_and_the_model_is_told_they_were_sent()
    {
        await using var server = await AudioServer.StartAsync();
        server.Stt.EnqueueTranscript("Dial extension one for me.");
        server.Model.Enqueue(ChatReply.ToolCall("send_digits", """{"digits":"1#"}"""));
        server.Model.Enqueue(ChatReply.Text("Done."));
        await using var caller = await server.CallAsync();

        await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("Dial extension one for me.")).DefaultTimeout();

        var toneBytes = 2 * (DtmfTones.ToneMs + DtmfTones.GapMs) * 8;
        await caller.WaitForHeardAudioAsync(toneBytes + 1600).DefaultTimeout(TimeSpan.FromSeconds(30));
        var heard = caller.GetHeardAudio();
        var pcm = new short[heard.Length];
        MuLaw.Decode(heard, pcm);
        var start = FirstSound(pcm, 8000);
        Assert.True(pcm.Length >= start + 1440 + 800, $"heard {pcm.Length} samples, tones from {start}");
        AssertKeypadPair(pcm.AsSpan(start, 800), 8000, 697, 1209); // '1'
        AssertKeypadPair(pcm.AsSpan(start + 1440, 800), 8000, 941, 1477); // '#'
        var followUp = await server.Model.Requests.WhenReceived(1).DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.Equal("done: sent the digits 1#", followUp.Messages.SelectMany(m => m.ToolResults).Single().Content);
    }

    [Fact]
    public async Task Switch_language_reopens_stt_in_the_new_locale_and_voices_the_next_reply_in_it()
    {
        await using var server = await AudioServer.StartAsync();
        server.Stt.EnqueueTranscript("Sprechen Sie Deutsch?");
        server.Model.Enqueue(ChatReply.ToolCall("switch_language", """{"language":"de"}"""));
        server.Model.Enqueue(ChatReply.Text("Ja, natürlich. Wir können gerne Deutsch sprechen."));
        await using var caller = await server.CallAsync();

        await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("Sprechen Sie Deutsch?")).DefaultTimeout();

        var followUp = await server.Model.Requests.WhenReceived(1).DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.Equal("done: switched the language to de", followUp.Messages.SelectMany(m => m.ToolResults).Single().Content);
        var languages = server.Stt.Connections.Select(c => c.Query.GetValueOrDefault("language")).ToList();
        Assert.Equal(["en-US", "de"], languages);
        await caller.WaitForAudioAsync(8000).DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.Equal("de", server.Tts.Sessions[^1].Query["language_code"]);
    }

    [Fact]
    public async Task Switching_to_a_language_without_a_locale_row_is_refused_and_the_model_is_told_why()
    {
        await using var server = await AudioServer.StartAsync();
        server.Stt.EnqueueTranscript("Do you speak Japanese?");
        server.Model.Enqueue(ChatReply.ToolCall("switch_language", """{"language":"ja-JP"}"""));
        server.Model.Enqueue(ChatReply.Text("Sorry, I can only speak English here."));
        await using var caller = await server.CallAsync();

        await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("Do you speak Japanese?")).DefaultTimeout();

        var followUp = await server.Model.Requests.WhenReceived(1).DefaultTimeout(TimeSpan.FromSeconds(20));
        var result = followUp.Messages.SelectMany(m => m.ToolResults).Single().Content;
        Assert.StartsWith("not performed: no locale for 'ja-JP'", result, StringComparison.Ordinal);
        Assert.Single(server.Stt.Connections);
    }

    [Fact]
    public async Task Hold_music_is_not_offered_to_the_model_on_a_media_call()
    {
        await using var server = await AudioServer.StartAsync(new Dictionary<string, string?> { ["HOLD_MUSIC_URL"] = "https://cdn.example.com/hold.mp3" });
        server.Stt.EnqueueTranscript("Hello there.");
        await using var caller = await server.CallAsync();

        await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("Hello there.")).DefaultTimeout();

        var request = await server.Model.Requests.WhenReceived(0).DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.Equal(["escalate_to_human", "end_call", "switch_language", "send_digits", "cannot_answer", "ask_choice", "set_pacing"], request.ToolNames);
    }

    /// <summary>The window holds the keypad pair: each tone within Q.24's ±1.5 % (plus the 10 Hz analysis step).</summary>
    internal static void AssertKeypadPair(ReadOnlySpan<short> tone, int rate, int low, int high)
    {
        var lowFound = ToneAnalysis.DominantFrequency(tone, rate, 650, 1000);
        var highFound = ToneAnalysis.DominantFrequency(tone, rate, 1150, 1700);
        Assert.InRange(lowFound, low * 0.985 - 10, low * 1.015 + 10);
        Assert.InRange(highFound, high * 0.985 - 10, high * 1.015 + 10);
    }

    /// <summary>Where the first tone starts in what the caller heard (the line may deliver a little silence first).</summary>
    internal static int FirstSound(ReadOnlySpan<short> heard, int rate)
        => (int)((AudioEdit.FirstActivity(heard, rate) ?? TimeSpan.Zero).TotalSeconds * rate);
}
