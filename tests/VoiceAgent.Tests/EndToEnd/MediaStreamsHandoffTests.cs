using VoiceAgent.Emulators.Twilio.Rest;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>A hand-off on the audio path redirects the live call over Twilio REST to dial a person.</summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)]
public sealed class MediaStreamsHandoffTests : IAsyncLifetime
{
    private TwilioRestEmulator _rest = null!;

    public async Task InitializeAsync()
    {
        _rest = new TwilioRestEmulator(RelayServer.AccountSid, RelayServer.AuthToken);
        await _rest.StartAsync().DefaultTimeout();
    }

    public async Task DisposeAsync() => await _rest.DisposeAsync();

    private Task<AudioServer> StartServerAsync() => AudioServer.StartAsync(new Dictionary<string, string?>
    {
        ["TWILIO_API_BASE_URL"] = _rest.BaseUrl.ToString().TrimEnd('/'),
        ["TRANSFER_NUMBER"] = "+15555550123",
    });

    [Fact]
    public async Task The_operator_digit_speaks_the_handoff_line_then_redirects_the_call_to_dial_the_transfer_number()
    {
        await using var server = await StartServerAsync();
        await using var caller = await server.CallAsync();

        await caller.SendDtmfAsync('0').DefaultTimeout();

        var update = await _rest.WaitForUpdateAsync().DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.Equal(caller.CallSid, update.CallSid);
        Assert.Equal("<Response><Dial>+15555550123</Dial></Response>", update.Parameters["Twiml"]);
        Assert.True(caller.HeardBytes >= 8000, "the hand-off line is played before the redirect");
        Assert.Equal(0, server.Model.Requests.Count);
    }

    [Fact]
    public async Task A_failed_redirect_falls_back_to_ending_the_stream()
    {
        _rest.FailNext(500);
        await using var server = await StartServerAsync();
        await using var caller = await server.CallAsync();

        await caller.SendDtmfAsync('0').DefaultTimeout();

        await caller.WaitForCloseAsync().DefaultTimeout(TimeSpan.FromSeconds(20));
        Assert.True(caller.ClosedByServer);
        Assert.Empty(_rest.Updates);
    }
}
