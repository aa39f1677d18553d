using System.Net;
using VoiceAgent.Emulators.Twilio.Rest;
using VoiceAgent.Tests.Storage;
using VoiceAgent.Tests.TestSupport;
using static VoiceAgent.Tests.Storage.RecordsTestSupport;

namespace VoiceAgent.Tests.EndToEnd.Compliance;

/// <summary>
/// <c>CONSENT_REQUIRED=true</c> while the records database (real PostgreSQL behind a <see cref="TcpGate"/>) cannot be
/// reached when the call starts: the consent decision can be neither read nor filed, so the call goes on with the
/// safe choice, keeping nothing: the caller is greeted without the notice, nothing is recorded, and the call's record
/// is drained into the database (once it is back) without a transcript.
/// </summary>
public sealed class ConsentStoreDownTests : IAsyncLifetime
{
    private const string Greeting = "Hi, thanks for calling. How can I help?";
    private PostgresBackend _backend = null!;
    private TcpGate _gate = null!;
    private TwilioRestEmulator _rest = null!;

    public async Task InitializeAsync()
    {
        _backend = (PostgresBackend)await RecordsBackend.CreateAsync("postgresql").DefaultTimeout(TimeSpan.FromSeconds(30));
        var target = new Uri(PostgresBackend.ServerUrl);
        _gate = new TcpGate(new IPEndPoint(IPAddress.Parse(target.Host), target.Port));
        _rest = new TwilioRestEmulator(RelayServer.AccountSid, RelayServer.AuthToken);
        await _rest.StartAsync().DefaultTimeout();
    }

    public async Task DisposeAsync()
    {
        await _rest.DisposeAsync();
        await _gate.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task With_the_consent_store_down_the_call_goes_on_without_the_notice_and_keeps_no_recording_and_no_transcript()
    {
        var settings = _backend.ServerSettings();
        settings["DATABASE_URL"] = _backend.UrlVia(_gate.Port); // the gate starts closed
        settings["CONSENT_REQUIRED"] = "true";
        settings["RECORDING_ENABLED"] = "true";
        settings["TWILIO_API_BASE_URL"] = _rest.BaseUrl.ToString().TrimEnd('/');
        await using var server = await RelayServer.StartAsync(settings);

        var (caller, callSid) = await DialAsync(server, "+14155550177");
        await using (caller)
        {
            Assert.Equal(Greeting, (await caller.ReadReplyAsync(0).DefaultTimeout(TimeSpan.FromSeconds(30))).Text);
            var reply = await caller.AskAsync("Please remember my account number is forty two.");
            Assert.NotEmpty(reply);
        }
        Assert.Empty(_rest.Recordings.Events);
        var spool = Path.Combine(_backend.DataDir, "spool", "transcripts");
        await WaitUntilAsync(() => Directory.Exists(spool) && Directory.GetFiles(spool, "*.spool").Length == 1, "the call's record on the spool");

        _gate.Open();
        await WaitUntilAsync(() => Directory.GetFiles(spool, "*.spool").Length == 0, "the spool to drain into the database", seconds: 90);
        Assert.Equal(0, await _backend.CountAsync("transcripts")); // the record arrived withheld: nothing stored
        Assert.Equal(0, await _backend.CountAsync("consent_decisions")); // nothing filed: asked on a later call
        Assert.Empty(_rest.Recordings.Events);
    }
}
