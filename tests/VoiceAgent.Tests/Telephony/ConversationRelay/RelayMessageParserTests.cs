using System.Text;
using VoiceAgent.Conversation;
using VoiceAgent.Telephony.ConversationRelay;

namespace VoiceAgent.Tests.Telephony.ConversationRelay;

public sealed class RelayMessageParserTests
{
    private static RelayParseResult Parse(string json) => RelayMessageParser.Parse(Encoding.UTF8.GetBytes(json), receivedAt: 42);

    [Fact]
    public void Setup_becomes_call_started_with_custom_parameters()
    {
        var result = Parse("""{"type":"setup","sessionId":"VX1","accountSid":"AC1","parentCallSid":"","callSid":"CA1","from":"+18005550100","to":"+18005550101","forwardedFrom":"","callType":"PSTN","callerName":"","direction":"inbound","callStatus":"RINGING","customParameters":{"tenantId":"acme"}}""");

        var started = Assert.IsType<CallStarted>(result.Event);
        Assert.Equal("CA1", started.Call.CallSid);
        Assert.Equal("VX1", started.Call.SessionId);
        Assert.Equal("AC1", started.Call.AccountSid);
        Assert.Equal("+18005550100", started.Call.From);
        Assert.Equal("acme", started.Call.Parameters["tenantId"]);
        Assert.Equal(42, started.ReceivedAt);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Prompt_carries_text_language_and_finality(bool last)
    {
        var said = Assert.IsType<UserSaid>(Parse($$"""{"type":"prompt","voicePrompt":"What are your opening hours?","lang":"en-US","last":{{(last ? "true" : "false")}}}""").Event);
        Assert.Equal("What are your opening hours?", said.Text);
        Assert.Equal("en-US", said.Language);
        Assert.Equal(last, said.IsFinal);
    }

    [Theory]
    [InlineData("1200")]
    [InlineData("\"1200\"")]
    [InlineData("1200.0")]
    public void Interrupt_reads_the_duration_as_number_or_string(string duration)
    {
        var interrupted = Assert.IsType<UserInterrupted>(Parse($$"""{"type":"interrupt","utteranceUntilInterrupt":"Our hours are nine","durationUntilInterruptMs":{{duration}}}""").Event);
        Assert.Equal("Our hours are nine", interrupted.HeardText);
        Assert.Equal(TimeSpan.FromMilliseconds(1200), interrupted.HeardDuration);
    }

    [Fact]
    public void Dtmf_becomes_a_digit()
        => Assert.Equal("0", Assert.IsType<DigitPressed>(Parse("""{"type":"dtmf","digit":"0"}""").Event).Digit);

    [Fact]
    public void Error_becomes_a_transport_error()
        => Assert.Contains("Invalid message", Assert.IsType<TransportError>(Parse("""{"type":"error","description":"Invalid message received: { \"foo\" : \"bar\" }"}""").Event).Description, StringComparison.Ordinal);

    [Theory]
    [InlineData("""{"type":"info","name":"agentSpeaking","value":"on"}""")]
    [InlineData("""{"type":"somethingNew","x":1}""")]
    public void Info_and_unknown_types_are_ignored_not_rejected(string json)
    {
        var result = Parse(json);
        Assert.Null(result.Event);
        Assert.Null(result.Rejection);
        Assert.NotNull(result.Ignored);
    }

    [Fact]
    public void Unknown_fields_of_any_shape_are_skipped()
    {
        var said = Assert.IsType<UserSaid>(Parse("""{"extra":{"a":[1,{"b":null}],"c":"d"},"type":"prompt","confidence":0.9,"voicePrompt":"Hello","list":[true,false]}""").Event);
        Assert.Equal("Hello", said.Text);
    }

    [Fact]
    public void Escaped_text_is_unescaped()
        => Assert.Equal("Say \"hi\" é", Assert.IsType<UserSaid>(Parse("""{"type":"prompt","voicePrompt":"Say \"hi\" \u00e9"}""").Event).Text);

    [Fact]
    public void The_event_carries_the_time_the_frame_was_received()
        => Assert.Equal(42, Assert.IsType<UserSaid>(Parse("""{"type":"prompt","voicePrompt":"Hi"}""").Event).ReceivedAt);

    [Fact]
    public void Info_is_described_for_the_debug_line_with_its_name_and_value()
        => Assert.Equal("info agentSpeaking=on", Parse("""{"type":"info","name":"agentSpeaking","value":"on"}""").Ignored.ToString());

    [Fact]
    public void Invalid_utf8_inside_a_string_is_rejected()
    {
        byte[] frame = [.. "{\"type\":\"prompt\",\"voicePrompt\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        var result = RelayMessageParser.Parse(frame, receivedAt: 1);
        Assert.Null(result.Event);
        Assert.False(string.IsNullOrWhiteSpace(result.Rejection));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"type":"prompt","voicePrompt":"x"} trailing""")]
    [InlineData("""{"type":"prompt","voicePrompt":"x" """)]
    [InlineData("""{"type":"prompt","voicePrompt":5}""")]
    [InlineData("""{"type":"setup","callSid":"CA1","customParameters":{"n":1}}""")]
    [InlineData("""{"type":7}""")]
    [InlineData("[]")]
    [InlineData("""{"voicePrompt":"no type"}""")]
    [InlineData("""{"type":"prompt","last":"yes","voicePrompt":"x"}""")]
    [InlineData("""{"type":"prompt","last":true}""")]
    [InlineData("""{"type":"dtmf","digit":"55"}""")]
    [InlineData("")]
    public void Malformed_frames_are_rejected_with_a_reason(string json)
    {
        var result = Parse(json);
        Assert.Null(result.Event);
        Assert.False(string.IsNullOrWhiteSpace(result.Rejection));
    }
}
