using System.Text;
using System.Text.Json;
using VoiceAgent.Conversation;
using VoiceAgent.Telephony.ConversationRelay;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Telephony.ConversationRelay;

/// <summary>
/// The frame encoder writes exactly the documented ConversationRelay outbound frames (protocols/twilio-conversation-relay.md §4),
/// each into an array rented for it that the caller owns: none is kept by the encoder between frames.
/// </summary>
public sealed class RelayFrameWriterTests
{
    [Theory]
    [InlineData("Our hours are ", false, """{"type":"text","token":"Our hours are ","last":false}""")]
    [InlineData("nine to five.", true, """{"type":"text","token":"nine to five.","last":true}""")]
    [InlineData("", true, """{"type":"text","token":"","last":true}""")]
    public void TextTokenFrameIsTheDocumentedJson(string token, bool last, string expected)
    {
        using var writer = new RelayFrameWriter();

        Assert.Equal(expected, Encode(writer, new SpeakToken(token, last, ReplyId: 1)));
    }

    [Fact]
    public void CallControlFramesAreTheDocumentedJson()
    {
        using var writer = new RelayFrameWriter();

        Assert.Equal("""{"type":"sendDigits","digits":"9www4085551212"}""", Encode(writer, new SendDigits("9www4085551212")));
        Assert.Equal("""{"type":"language","ttsLanguage":"es-US","transcriptionLanguage":"es-US"}""", Encode(writer, new SwitchLanguage("es-US", "es-US")));
        Assert.Equal("""{"type":"play","source":"https://example.com/hold.mp3","loop":1}""", Encode(writer, new PlayAudio("https://example.com/hold.mp3")));
        Assert.Equal("""{"type":"end"}""", Encode(writer, new EndCall(null)));
    }

    [Fact]
    public void EndFrameCarriesTheHandoffDataStringUnchanged()
    {
        using var writer = new RelayFrameWriter();
        const string handoff = """{"reasonCode":"live-agent-handoff","reason":"caller asked for a human"}""";

        using var frame = JsonDocument.Parse(Encode(writer, new EndCall(handoff)));

        Assert.Equal("end", frame.RootElement.GetProperty("type").GetString());
        Assert.Equal(handoff, frame.RootElement.GetProperty("handoffData").GetString());
    }

    [Fact]
    public void ReusingTheBufferNeverLeaksBytesOfAnEarlierLongerFrame()
    {
        using var writer = new RelayFrameWriter();
        _ = Encode(writer, new SpeakToken(new string('x', 2000), Last: false, ReplyId: 1));

        Assert.Equal("""{"type":"text","token":"Hi","last":false}""", Encode(writer, new SpeakToken("Hi", Last: false, ReplyId: 1)));
    }

    [Fact]
    public void NonAsciiAndQuotedTokensRoundTripToTheSameText()
    {
        using var writer = new RelayFrameWriter();
        const string token = "Señor \"Müller\", 営業時間は9時です ";

        using var frame = JsonDocument.Parse(Encode(writer, new SpeakToken(token, Last: false, ReplyId: 1)));

        Assert.Equal(token, frame.RootElement.GetProperty("token").GetString());
    }

    [Fact]
    public void Each_frame_is_in_an_array_rented_for_it_that_the_caller_returns_and_the_encoder_keeps_none()
    {
        var pool = new CountingArrayPool();
        using var writer = new RelayFrameWriter(pool);

        var (first, firstLength) = writer.Encode(new SpeakToken("Hello ", Last: false, ReplyId: 1));
        var (second, secondLength) = writer.Encode(new SpeakToken("there.", Last: true, ReplyId: 1));

        Assert.NotSame(first, second); // the first is still the caller's (queued on the socket) while the second is encoded
        Assert.Equal(2, pool.Outstanding);
        Assert.Equal("""{"type":"text","token":"Hello ","last":false}""", Encoding.UTF8.GetString(first, 0, firstLength));
        Assert.Equal("""{"type":"text","token":"there.","last":true}""", Encoding.UTF8.GetString(second, 0, secondLength));
        pool.Return(first);
        pool.Return(second);
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public void A_frame_larger_than_the_first_array_moves_to_a_larger_one_and_gives_the_smaller_back()
    {
        var pool = new CountingArrayPool();
        using var writer = new RelayFrameWriter(pool);
        var token = new string('x', 3000);

        var (frame, length) = writer.Encode(new SpeakToken(token, Last: false, ReplyId: 1));

        Assert.Equal(1, pool.Outstanding);
        Assert.True(pool.Rented > 1);
        using var parsed = JsonDocument.Parse(frame.AsMemory(0, length));
        Assert.Equal(token, parsed.RootElement.GetProperty("token").GetString());
    }

    [Fact]
    public void A_command_with_no_frame_throws_and_its_array_goes_back_to_the_pool()
    {
        var pool = new CountingArrayPool();
        using var writer = new RelayFrameWriter(pool);

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Encode(new NoFrame()));

        Assert.Equal(0, pool.Outstanding);
        Assert.Equal("""{"type":"text","token":"ok","last":true}""", Encode(writer, new SpeakToken("ok", Last: true, ReplyId: 1)));
    }

    private sealed record NoFrame : TransportCommand;

    private static string Encode(RelayFrameWriter writer, TransportCommand command)
    {
        var (frame, length) = writer.Encode(command);
        try { return Encoding.UTF8.GetString(frame, 0, length); }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(frame); }
    }
}
