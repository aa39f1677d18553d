using System.Text;
using System.Text.Json;
using VoiceAgent.Providers.Deepgram;
using VoiceAgent.Speech;

namespace VoiceAgent.Tests.Providers.Deepgram;

/// <summary>The protocol reference's fixtures, parsed without a socket.</summary>
public sealed class DeepgramMessageParserTests
{
    private const string InterimFixture = """{"type":"Results","channel_index":[0,1],"duration":1.2,"start":0.0,"is_final":false,"speech_final":false,"channel":{"alternatives":[{"transcript":"what are your","confidence":0.91,"words":[{"word":"what","start":0.1,"end":0.3,"confidence":0.95},{"word":"are","start":0.3,"end":0.45,"confidence":0.93},{"word":"your","start":0.45,"end":0.7,"confidence":0.9}]}]},"metadata":{"request_id":"52cc0efe-fa77-4aa7-b79c-0dda09de2f14","model_info":{"name":"general-nova-3","version":"2025-01-01.0","arch":"nova-3"},"model_uuid":"c0d1a568-ce81-4fea-97e7-bd45cb1fdf3c"},"from_finalize":false}""";
    private const string FinalFixture = """{"type":"Results","channel_index":[0,1],"duration":1.98,"start":0.0,"is_final":true,"speech_final":true,"channel":{"alternatives":[{"transcript":"What are your opening hours?","confidence":0.98,"words":[{"word":"what","start":0.1,"end":0.3,"confidence":0.99,"punctuated_word":"What"},{"word":"are","start":0.3,"end":0.45,"confidence":0.99,"punctuated_word":"are"},{"word":"your","start":0.45,"end":0.7,"confidence":0.99,"punctuated_word":"your"},{"word":"opening","start":0.7,"end":1.1,"confidence":0.98,"punctuated_word":"opening"},{"word":"hours","start":1.1,"end":1.5,"confidence":0.97,"punctuated_word":"hours?"}]}]},"metadata":{"request_id":"52cc0efe-fa77-4aa7-b79c-0dda09de2f14","model_info":{"name":"general-nova-3","version":"2025-01-01.0","arch":"nova-3"},"model_uuid":"c0d1a568-ce81-4fea-97e7-bd45cb1fdf3c"},"from_finalize":false}""";
    private const string MetadataFixture = """{"type":"Metadata","transaction_key":"deprecated","request_id":"8c8ebea9-dbec-45fa-a035-e4632cb05b5f","sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","created":"2024-08-29T22:37:55.202Z","duration":0.0,"channels":0}""";

    private static DeepgramInboundMessage Parse(string json, TimeSpan offset = default)
        => DeepgramMessageParser.Parse(Encoding.UTF8.GetBytes(json), offset, receivedAt: 42);

    [Fact]
    public void InterimFixtureParsesToANonFinalTranscript()
    {
        var parsed = Parse(InterimFixture);

        var transcript = Assert.IsType<TranscriptReceived>(parsed.Event);
        Assert.Equal(new TranscriptReceived("what are your", false, false, 0.91, TimeSpan.Zero, TimeSpan.FromSeconds(1.2)) { ReceivedAt = 42 }, transcript);
        Assert.Null(parsed.FinalizedThroughSeconds);
    }

    [Fact]
    public void FinalFixtureParsesToASpeechFinalTranscriptThatSettlesItsRange()
    {
        var parsed = Parse(FinalFixture);

        var transcript = Assert.IsType<TranscriptReceived>(parsed.Event);
        Assert.Equal("What are your opening hours?", transcript.Text);
        Assert.True(transcript.IsFinal);
        Assert.True(transcript.SpeechFinal);
        Assert.Equal(0.98, transcript.Confidence);
        Assert.Equal(1.98, parsed.FinalizedThroughSeconds);
    }

    [Fact]
    public void VadFixturesParseToSpeechStartedAndUtteranceEnded()
    {
        var started = Parse("""{"type":"SpeechStarted","channel":[0,1],"timestamp":0.08}""");
        var ended = Parse("""{"type":"UtteranceEnd","channel":[0,1],"last_word_end":1.5}""");

        Assert.Equal(TimeSpan.FromSeconds(0.08), Assert.IsType<SpeechStartedDetected>(started.Event).Timestamp);
        Assert.Equal(TimeSpan.FromSeconds(1.5), Assert.IsType<UtteranceEnded>(ended.Event).LastWordEnd);
    }

    [Fact]
    public void MetadataFixtureIsRecognisedWithoutAnEvent()
    {
        var parsed = Parse(MetadataFixture);

        Assert.Equal(DeepgramInboundKind.Metadata, parsed.Kind);
        Assert.Null(parsed.Event);
        Assert.Equal("8c8ebea9-dbec-45fa-a035-e4632cb05b5f", parsed.Detail);
    }

    [Fact]
    public void StreamOffsetShiftsEventTimesIntoSessionTime()
    {
        var parsed = Parse(FinalFixture.Replace("\"start\":0.0,\"is_final\"", "\"start\":0.5,\"is_final\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromSeconds(10.5), Assert.IsType<TranscriptReceived>(parsed.Event).Start);
        Assert.Equal(2.48, parsed.FinalizedThroughSeconds!.Value, precision: 6);
    }

    [Fact]
    public void EmptyInterimTranscriptReportsNothing()
    {
        var parsed = Parse(InterimFixture.Replace("\"transcript\":\"what are your\"", "\"transcript\":\"\"", StringComparison.Ordinal));

        Assert.Equal(DeepgramInboundKind.Results, parsed.Kind);
        Assert.Null(parsed.Event);
    }

    [Fact]
    public void EmptySpeechFinalTranscriptIsKeptAsTheEndpointSignal()
    {
        var parsed = Parse(FinalFixture.Replace("\"transcript\":\"What are your opening hours?\"", "\"transcript\":\"\"", StringComparison.Ordinal));

        var transcript = Assert.IsType<TranscriptReceived>(parsed.Event);
        Assert.Equal("", transcript.Text);
        Assert.True(transcript.SpeechFinal);
    }

    [Theory]
    [InlineData("""{"type":"Error","description":"Invalid audio","message":"bad data","variant":"DATA-0000"}""", "Invalid audio (DATA-0000)")]
    [InlineData("""{"error_code":429,"error_message":"Too many requests","request_id":"x"}""", "Too many requests (429)")]
    public void ErrorShapesParseToANonFatalSpeechError(string json, string expected)
    {
        var error = Assert.IsType<SpeechError>(Parse(json).Event);

        Assert.Equal(expected, error.Message);
        Assert.False(error.Fatal);
    }

    [Fact]
    public void UnknownTypeIsReportedAsUnknownWithoutAnEvent()
    {
        var parsed = Parse("""{"type":"SomethingNew","channel":{"x":[1,2,{"y":null}]}}""");

        Assert.Equal(DeepgramInboundKind.Unknown, parsed.Kind);
        Assert.Equal("SomethingNew", parsed.Detail);
        Assert.Null(parsed.Event);
    }

    [Theory]
    [InlineData("{\"type\":\"Results\",")]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"type\":\"Results\",\"start\":\"soon\"}")]
    public void MalformedJsonThrows(string json)
        => Assert.ThrowsAny<JsonException>(() => Parse(json));
}
