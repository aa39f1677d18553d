using VoiceAgent.Providers.Deepgram;
using VoiceAgent.Speech;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Deepgram;

/// <summary>The upgrade request: URL, query and authentication.</summary>
public sealed class DeepgramConnectionTests : DeepgramEmulatorTestBase
{
    [Fact]
    public async Task QueryCarriesEveryConfiguredOption()
    {
        var options = ClientOptions() with
        {
            EndpointingMs = 450,
            UtteranceEndMs = 1500,
            SmartFormat = false,
            AdditionalQueryParameters = [new("redact", "pci"), new("keyterm", "Contoso Dental")],
        };

        await using var session = await ConnectAsync(options, session: new SpeechToTextSessionOptions("nova-2-phonecall", "es", "mulaw", 8000));

        var query = Assert.Single(Emulator.Connections).Query;
        Assert.Equal("nova-2-phonecall", query["model"]);
        Assert.Equal("es", query["language"]);
        Assert.Equal("mulaw", query["encoding"]);
        Assert.Equal("8000", query["sample_rate"]);
        Assert.Equal("true", query["interim_results"]);
        Assert.Equal("450", query["endpointing"]);
        Assert.Equal("1500", query["utterance_end_ms"]);
        Assert.Equal("true", query["vad_events"]);
        Assert.Equal("false", query["smart_format"]);
        Assert.Equal("true", query["punctuate"]);
        Assert.Equal("pci", query["redact"]);
        Assert.Equal("Contoso Dental", query["keyterm"]);
    }

    [Fact]
    public async Task EmptySessionModelAndLanguageFallBackToTheOptions()
    {
        await using var session = await ConnectAsync(session: new SpeechToTextSessionOptions("", "", "linear16", 16000));

        var query = Assert.Single(Emulator.Connections).Query;
        Assert.Equal("nova-3", query["model"]);
        Assert.Equal("en-US", query["language"]);
        Assert.Equal("linear16", query["encoding"]);
        Assert.Equal("16000", query["sample_rate"]);
    }

    [Fact]
    public async Task DisabledEndpointingAndUtteranceEndAreSentAsSuch()
    {
        await using var session = await ConnectAsync(ClientOptions() with { EndpointingMs = null, UtteranceEndMs = null });

        var query = Assert.Single(Emulator.Connections).Query;
        Assert.Equal("false", query["endpointing"]);
        Assert.False(query.ContainsKey("utterance_end_ms"));
    }

    [Fact]
    public async Task UpgradeSendsTheApiKeyAsTokenAuthorization()
    {
        await using var session = await ConnectAsync();

        Assert.Equal($"Token {Emulator.ApiKey}", Assert.Single(Emulator.Connections).Authorization);
    }

    [Fact]
    public async Task WrongApiKeyFailsAsUnauthorizedWithoutRetrying()
    {
        var ex = await Assert.ThrowsAsync<DeepgramConnectionException>(() => ConnectAsync(ClientOptions() with { ApiKey = "not-the-key" }));

        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("Invalid credentials.", ex.ServerError);
        Assert.False(ex.Retryable);
        Assert.Equal(1, Emulator.UpgradeRequests);
        Assert.Equal(0, Emulator.ConnectionsAccepted);
    }

    [Fact]
    public async Task FirstUpgradeRejectedWith429IsRetried()
    {
        Emulator.RejectNextUpgrade(429);

        await using var session = await ConnectAsync();

        Assert.Equal(2, Emulator.UpgradeRequests);
        Assert.Equal(1, Emulator.ConnectionsAccepted);
    }

    [Fact]
    public async Task UpgradeRejectedOnEveryAttemptFailsWithTheLastStatus()
    {
        Emulator.RejectNextUpgrade(500, count: 10);

        var ex = await Assert.ThrowsAsync<DeepgramConnectionException>(() => ConnectAsync(ClientOptions() with { ReconnectAttempts = 2 }));

        Assert.Equal(500, ex.StatusCode);
        Assert.True(ex.Retryable);
        Assert.Equal(3, Emulator.UpgradeRequests);
    }

    [Fact]
    public async Task NothingListeningFailsAsARetryableNetworkError()
    {
        var port = Emulator.WebSocketBaseUrl.Port;
        await Emulator.DisposeAsync();

        var ex = await Assert.ThrowsAsync<DeepgramConnectionException>(() => ConnectAsync(ClientOptions() with
        {
            BaseUrl = new Uri($"ws://127.0.0.1:{port}"),
            ReconnectAttempts = 0,
        }));

        Assert.Equal(0, ex.StatusCode);
        Assert.True(ex.Retryable);
    }
}
