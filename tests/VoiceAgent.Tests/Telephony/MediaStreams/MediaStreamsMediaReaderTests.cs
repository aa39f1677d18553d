using System.Text;
using VoiceAgent.Telephony.MediaStreams;

namespace VoiceAgent.Tests.Telephony.MediaStreams;

public sealed class MediaStreamsMediaReaderTests
{
    private static readonly byte[] Audio = [.. Enumerable.Range(0, 160).Select(i => (byte)(i * 7))];
    private static readonly string Payload = Convert.ToBase64String(Audio);

    private static (MediaFrameRead Read, byte[] Audio) Read(string json, int room = 1024)
    {
        var audio = new byte[room];
        var read = MediaStreamsMediaReader.TryRead(Encoding.UTF8.GetBytes(json), audio, out var length, out _);
        return (read, audio[..length]);
    }

    [Fact]
    public void A_documented_inbound_media_message_is_decoded_in_place()
    {
        var (read, audio) = Read($$$"""{"event":"media","sequenceNumber":"2","media":{"track":"inbound","chunk":"1","timestamp":"20","payload":"{{{Payload}}}"},"streamSid":"MZ00000000000000000000000000000000"}""");

        Assert.Equal(MediaFrameRead.Audio, read);
        Assert.Equal(Audio, audio);
    }

    [Fact]
    public void Property_order_does_not_matter_and_a_missing_track_is_the_callers()
    {
        var (read, audio) = Read($$$"""{"media":{"payload":"{{{Payload}}}","extra":{"nested":[1,2,{"a":"b"}]}},"streamSid":"MZ1","event":"media"}""");

        Assert.Equal(MediaFrameRead.Audio, read);
        Assert.Equal(Audio, audio);
    }

    [Fact]
    public void The_outbound_track_is_recognised_as_nothing_to_hear()
        => Assert.Equal(MediaFrameRead.OtherTrack, Read($$$"""{"event":"media","media":{"track":"outbound","payload":"{{{Payload}}}"}}""").Read);

    [Theory]
    [InlineData("""{"event":"mark","streamSid":"MZ1","mark":{"name":"g0r1s0"}}""")]
    [InlineData("""{"event":"start","start":{"callSid":"CA1"}}""")]
    [InlineData("""{"event":"media","media":{"track":"inbound"}}""")]
    [InlineData("""{"event":"media","media":{"payload":""}}""")]
    [InlineData("""{"event":"media","media":{"payload":"not base64!"}}""")]
    [InlineData("""{"event":"media","media":{"payload":"\/w=="}}""")]
    [InlineData("""{"event":"media","media":{"payload":"/w=="}""")]
    [InlineData("""{"event":"media","media":{"payload":"/w=="}} trailing""")]
    [InlineData("""{"event":"media","media":"/w=="}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""not json""")]
    public void Anything_but_a_plain_well_formed_media_message_is_left_to_the_full_parser(string json)
        => Assert.Equal(MediaFrameRead.NotMedia, Read(json).Read);

    [Fact]
    public void A_payload_larger_than_the_buffer_is_left_to_the_full_parser_which_rejects_it()
        => Assert.Equal(MediaFrameRead.NotMedia, Read($$$"""{"event":"media","media":{"payload":"{{{Payload}}}"}}""", room: 100).Read);

    [Theory]
    [InlineData("\"20\"", 20L)]
    [InlineData("\"123456789\"", 123456789L)]
    [InlineData("\"0020\"", 20L)]
    [InlineData("\"9223372036854775807\"", long.MaxValue)]
    [InlineData("\"9223372036854775808\"", null)]
    [InlineData("\"+20\"", null)]
    [InlineData("\"20 \"", null)]
    [InlineData("\"1e3\"", null)]
    [InlineData("\"\u0662\u0660\"", null)] // Arabic-Indic digits, sent unescaped
    [InlineData("\"-20\"", null)]
    [InlineData("\" 20\"", null)]
    [InlineData("\"2.5\"", null)]
    [InlineData("\"\"", null)]
    [InlineData("20", null)]
    [InlineData("null", null)]
    public void The_frames_carrier_timestamp_is_read_as_the_full_parser_reads_it(string value, long? expected)
    {
        var json = $$$"""{"event":"media","media":{"track":"inbound","timestamp":{{{value}}},"payload":"{{{Payload}}}"}}""";
        var read = MediaStreamsMediaReader.TryRead(Encoding.UTF8.GetBytes(json), new byte[1024], out _, out var timestampMs);

        Assert.Equal(MediaFrameRead.Audio, read);
        Assert.Equal(expected, timestampMs);
        if (value.StartsWith('"')) // the full parser takes the documented string form only
            Assert.Equal(expected, System.Text.Json.JsonSerializer.Deserialize(json, MediaStreamsJsonContext.Default.MediaStreamsInboundMessage)!.Media!.TimestampMs);
    }

    [Fact]
    public void An_escaped_timestamp_is_left_to_the_full_parser_which_reads_it_by_the_same_rule()
    {
        var json = $$$"""{"event":"media","media":{"track":"inbound","timestamp":"\u0032\u0030","payload":"{{{Payload}}}"}}""";

        Assert.Equal(MediaFrameRead.NotMedia, Read(json).Read);
        Assert.Equal(20L, System.Text.Json.JsonSerializer.Deserialize(json, MediaStreamsJsonContext.Default.MediaStreamsInboundMessage)!.Media!.TimestampMs);
    }
}
