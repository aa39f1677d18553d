using System.Text;
using System.Text.Json;
using VoiceAgent.Conversation;
using VoiceAgent.Telephony.ConversationRelay;

namespace VoiceAgent.Tests.Telephony.ConversationRelay;

/// <summary>The reused-buffer frame encoder writes exactly the documented ConversationRelay outbound frames (protocols/twilio-conversation-relay.md §4).</summary>
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

    private static string Encode(RelayFrameWriter writer, TransportCommand command) => Encoding.UTF8.GetString(writer.Encode(command).Span);
}
