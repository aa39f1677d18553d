using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using VoiceAgent.Emulators.Audio;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Emulators.Twilio.MediaStreams;
using VoiceAgent.Tests.EmulatorsTests.TestServer;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EmulatorsTests.Twilio;

/// <summary>What the emulated Twilio puts on the wire: upgrade, opening sequence, media, dtmf, stop.</summary>
public class MediaStreamsCallerWireTests : MediaStreamsTestBase
{
    private static readonly string SilencePayload = Convert.ToBase64String(Enumerable.Repeat((byte)0xFF, 160).ToArray());

    [Fact]
    public async Task Opening_sequence_matches_the_documented_fixture_byte_for_byte()
    {
        var (caller, server) = await ConnectAsync();
        await using var call = caller;

        var connected = await server.ReadAsync(Timeout).DefaultTimeout();
        var start = await server.ReadAsync(Timeout).DefaultTimeout();
        var media = await server.ReadAsync(Timeout).DefaultTimeout();

        Assert.Equal("""{"event":"connected","protocol":"Call","version":"1.0.0"}""", connected.Text);
        Assert.Equal("""{"event":"start","sequenceNumber":"1","start":{"accountSid":"AC00000000000000000000000000000000","streamSid":"MZ00000000000000000000000000000000","callSid":"CA00000000000000000000000000000000","tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1},"customParameters":{"tenantId":"acme"}},"streamSid":"MZ00000000000000000000000000000000"}""", start.Text);
        Assert.Equal($$$"""{"event":"media","sequenceNumber":"2","media":{"track":"inbound","chunk":"1","timestamp":"20","payload":"{{{SilencePayload}}}"},"streamSid":"MZ00000000000000000000000000000000"}""", media.Text);
    }

    [Fact]
    public async Task Media_counters_are_strings_that_increment_and_timestamps_advance_20_ms()
    {
        var (caller, server) = await ConnectAsync(new MediaStreamsCallerOptions());
        await using var call = caller;

        var frames = await ReadMediaAsync(server, 10);

        for (var i = 0; i < frames.Count; i++)
        {
            var json = frames[i].Json;
            Assert.Equal((i + 2).ToString(), Str(json, "sequenceNumber"));
            Assert.Equal(caller.StreamSid, Str(json, "streamSid"));
            var media = json.GetProperty("media");
            Assert.Equal("inbound", Str(media, "track"));
            Assert.Equal((i + 1).ToString(), Str(media, "chunk"));
            Assert.Equal(((i + 1) * 20).ToString(), Str(media, "timestamp"));
            Assert.Equal(160, Payload(frames[i]).Length);
        }
    }

    [Fact]
    public async Task Upgrade_is_signed_over_the_wss_url_as_TwilioRequestSigner_computes_it()
    {
        var (caller, server) = await ConnectAsync();
        await using var call = caller;

        var signature = server.Headers[TwilioRequestSigner.HeaderName];
        Assert.Equal(new TwilioRequestSigner(AuthToken).SignWebSocketUpgrade(SignedUrl), signature);
        Assert.Equal("jFDHVhI8XO69C49uXR3xmdZPylY=", signature); // twilio-signature.md, vector E
        Assert.Equal("/media", server.Path);
    }

    [Fact]
    public async Task Without_a_token_the_upgrade_carries_no_signature()
    {
        var (caller, server) = await ConnectAsync(authToken: null);
        await using var call = caller;

        Assert.False(server.Headers.ContainsKey(TwilioRequestSigner.HeaderName));
    }

    [Fact]
    public async Task Played_audio_goes_out_in_160_byte_frames_with_the_last_padded_by_silence()
    {
        var (caller, server) = await ConnectAsync();
        await using var call = caller;
        var speech = Enumerable.Range(0, 400).Select(i => (byte)(i % 100)).ToArray();

        var playing = caller.PlayAsync(speech, Timeout);
        var first = await server.ReadUntilAsync(m => m.Event == "media" && Payload(m)[0] != 0xFF, Timeout).DefaultTimeout();
        var rest = await ReadMediaAsync(server, 3);
        await playing.DefaultTimeout();

        Assert.Equal(speech[..160], Payload(first));
        Assert.Equal(speech[160..320], Payload(rest[0]));
        Assert.Equal([.. speech[320..], .. Enumerable.Repeat((byte)0xFF, 80)], Payload(rest[1]));
        Assert.Equal(SilencePayload, Convert.ToBase64String(Payload(rest[2])));
    }

    [Fact]
    public async Task Without_idle_silence_media_flows_only_while_the_caller_speaks()
    {
        var (caller, server) = await ConnectAsync(FixtureCall(silenceWhenIdle: false));
        await using var call = caller;
        Assert.Equal("connected", (await server.ReadAsync(Timeout).DefaultTimeout()).Event);
        Assert.Equal("start", (await server.ReadAsync(Timeout).DefaultTimeout()).Event);

        await Task.Delay(200, Timeout); // a pause with nothing to say: nothing may be sent
        await caller.PlayAsync(Enumerable.Repeat((byte)0x10, 320).ToArray(), Timeout).DefaultTimeout();
        await caller.SendDtmfAsync('7', Timeout).DefaultTimeout();

        var media1 = (await server.ReadAsync(Timeout).DefaultTimeout()).Json;
        var media2 = (await server.ReadAsync(Timeout).DefaultTimeout()).Json;
        var dtmf = await server.ReadAsync(Timeout).DefaultTimeout();
        Assert.Equal("1", Str(media1.GetProperty("media"), "chunk"));
        Assert.True(int.Parse(Str(media1.GetProperty("media"), "timestamp")) >= 200, "the timestamp keeps stream time across the pause");
        Assert.Equal("2", Str(media2.GetProperty("media"), "chunk"));
        Assert.Equal(int.Parse(Str(media1.GetProperty("media"), "timestamp")) + 20, int.Parse(Str(media2.GetProperty("media"), "timestamp")));
        Assert.Equal("dtmf", dtmf.Event);
    }

    [Fact]
    public async Task Dtmf_and_stop_match_the_fixtures_and_sequence_numbers_never_skip()
    {
        var (caller, server) = await ConnectAsync();
        await using (caller)
        {
            await caller.SendDtmfAsync('5', Timeout).DefaultTimeout();
            await caller.HangUpAsync(Timeout).DefaultTimeout();
        }

        var messages = new List<ServerReceivedMessage>();
        await server.Closed.DefaultTimeout();
        while (server.TryRead(out var message)) messages.Add(message);

        var dtmf = messages.Single(m => m.Event == "dtmf");
        Assert.Equal($$$"""{"event":"dtmf","streamSid":"{{{ZeroStreamSid}}}","sequenceNumber":"{{{Str(dtmf.Json, "sequenceNumber")}}}","dtmf":{"track":"inbound_track","digit":"5"}}""", dtmf.Text);
        var stop = messages[^1];
        Assert.Equal($$$"""{"event":"stop","sequenceNumber":"{{{Str(stop.Json, "sequenceNumber")}}}","streamSid":"{{{ZeroStreamSid}}}","stop":{"accountSid":"AC00000000000000000000000000000000","callSid":"CA00000000000000000000000000000000"}}""", stop.Text);
        var sequence = messages.Skip(1).Select(m => int.Parse(Str(m.Json, "sequenceNumber"))).ToList();
        Assert.Equal(Enumerable.Range(1, sequence.Count), sequence);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, server.CloseStatus);
        Assert.False(caller.ClosedByServer);
    }

    [Fact]
    public async Task PlayWav_sends_espeak_speech_converted_to_mulaw_8k()
    {
        var path = await TestServer.TestSignals.SpeakAsync("Yes, please.", Timeout).DefaultTimeout();
        try
        {
            var expected = (await WavReader.ReadAsync(path, Timeout).DefaultTimeout()).ToMuLaw8k();
            var (caller, server) = await ConnectAsync();
            await using var call = caller;

            await caller.PlayWavAsync(path, Timeout).DefaultTimeout();
            await caller.HangUpAsync(Timeout).DefaultTimeout();
            await server.Closed.DefaultTimeout();
            var sent = new MemoryStream();
            while (server.TryRead(out var message))
                if (message.Event == "media") sent.Write(Payload(message));

            var line = sent.ToArray();
            var found = Enumerable.Range(0, line.Length / 160).Any(frame =>
                line.Length - frame * 160 >= expected.Length && line.AsSpan(frame * 160, expected.Length).SequenceEqual(expected));
            Assert.True(found, "the converted speech must appear on the line, frame aligned and intact");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Invalid_options_are_refused_listing_every_problem()
    {
        var options = new MediaStreamsCallerOptions
        {
            CallSid = "CA123",
            StreamSid = "XX00000000000000000000000000000000",
            CustomParameters = new Dictionary<string, string> { ["big"] = new string('x', 600) },
            Echo = new EchoSimulation { GainDb = 6 },
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => MediaStreamsCaller.ConnectAsync(Server.Url("/media"), SignedUrl, AuthToken, options, Timeout)).DefaultTimeout();
        Assert.Contains("CallSid", error.Message, StringComparison.Ordinal);
        Assert.Contains("StreamSid", error.Message, StringComparison.Ordinal);
        Assert.Contains("'big'", error.Message, StringComparison.Ordinal);
        Assert.Contains("GainDb", error.Message, StringComparison.Ordinal);
    }
}
