using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio.Rest;
using VoiceAgent.Payments;
using VoiceAgent.Tests.TestSupport;
using static VoiceAgent.Tests.Storage.RecordsTestSupport;

namespace VoiceAgent.Tests.EndToEnd.Compliance;

/// <summary>
/// Recording and card capture (PCI) over real sockets: the ConversationRelay caller, the Anthropic emulator and the
/// Twilio REST emulator's Recordings API. The model asks for a payment with <c>collect_payment</c>; the recording is
/// paused before the caller is asked for the card and resumed after the handler answered; afterwards the card
/// number is nowhere: not in the logs (every level), the model's requests, the transcript, the data folder (records
/// database, spools) or the stored recording.
/// </summary>
public sealed class CardPaymentRecordingTests : IAsyncLifetime
{
    private const string CardNumber = "4111111111111111";
    private readonly CapturingLoggerProvider _logs = new();
    private readonly RecordingPaymentHandler _payments = new();
    private TwilioRestEmulator _rest = null!;
    private RelayServer _server = null!;
    private string _dataDir = null!;

    public async Task InitializeAsync()
    {
        _rest = new TwilioRestEmulator(RelayServer.AccountSid, RelayServer.AuthToken);
        await _rest.StartAsync().DefaultTimeout();
        _dataDir = Directory.CreateTempSubdirectory("voiceagent-pci-").FullName;
        _server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["RECORDING_ENABLED"] = "true",
            ["TWILIO_API_BASE_URL"] = _rest.BaseUrl.ToString().TrimEnd('/'),
            ["DATA_DIR"] = _dataDir,
            ["ADMIN_TOKEN"] = AdminToken,
            ["Logging:LogLevel:Default"] = "Trace",
        }, services: services =>
        {
            services.AddPaymentHandler(_payments);
            services.AddSingleton<ILoggerProvider>(_logs);
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _rest.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task The_recording_is_paused_around_card_entry_and_the_card_number_is_nowhere_afterwards()
    {
        _server.Model.Enqueue(ChatReply.ToolCall("collect_payment", """{"purpose":"order 5521","amount":12.5,"currency":"USD"}"""));
        _server.Model.Enqueue(ChatReply.Text("Your payment went through. ", "Anything else?"));
        _payments.Hold = true;
        var (caller, callSid) = await DialAsync(_server);
        await using (caller)
        {
            var started = await _rest.Recordings.NextEventAsync().DefaultTimeout();
            Assert.Equal(("in-progress", 2, callSid), (started.Status, started.Channels, started.CallSid));

            await caller.SendPromptAsync("I'd like to pay for my order.").DefaultTimeout();
            var cardPrompt = await NextSpokenAsync(caller);
            Assert.Equal(new PaymentCaptureOptions().CardNumberPrompt, cardPrompt);
            // The pause was accepted before the caller was asked for anything.
            var paused = Assert.Single(_rest.Recordings.Events, e => e.Status == "paused");
            Assert.Equal("skip", paused.PauseBehavior);
            Assert.Equal("paused", _rest.Recordings.ActiveStatus(callSid));

            await KeyAsync(caller, CardNumber + "#");
            Assert.Equal(new PaymentCaptureOptions().ExpiryPrompt, await NextSpokenAsync(caller));
            await KeyAsync(caller, "0931#");
            Assert.Equal(new PaymentCaptureOptions().SecurityCodePrompt, await NextSpokenAsync(caller));
            await KeyAsync(caller, "737#");
            Assert.Equal(new PaymentCaptureOptions().ProcessingLine, await NextSpokenAsync(caller));
            await _payments.Entered.Task.DefaultTimeout();
            Assert.Equal("paused", _rest.Recordings.ActiveStatus(callSid)); // still paused while the handler runs
            _payments.Release.TrySetResult();

            Assert.Equal("Your payment went through. Anything else?", await NextSpokenAsync(caller));
            Assert.Equal("in-progress", _rest.Recordings.ActiveStatus(callSid));
            var charge = Assert.Single(_payments.Requests);
            Assert.Equal((CardNumber, 9, 2031, "737", "order 5521", 12.5m, "USD"),
                (charge.Card.Number, charge.Card.ExpiryMonth, charge.Card.ExpiryYear, charge.Card.SecurityCode, charge.Purpose, charge.Amount, charge.Currency));
        }

        // After the call: stopped, fetched, stored encrypted, deleted from the carrier.
        var archive = _server.App.Services.GetRequiredService<VoiceAgent.Storage.Recordings.RecordingArchive>();
        var stored = await archive.Stored.ReadAsync().AsTask().DefaultTimeout(TimeSpan.FromSeconds(30));
        var wav = await archive.OpenAsync(stored, CancellationToken.None).DefaultTimeout();
        Assert.Equal("RIFF", Encoding.ASCII.GetString(wav, 0, 4));
        Assert.Equal(["in-progress", "paused", "in-progress", "stopped", "deleted"], _rest.Recordings.Events.Select(e => e.Status));
        await WaitForTranscriptFileAsync();

        var followUp = _server.Model.Requests.Received[^1].RawJson;
        Assert.Contains("approved, reference PAY-77", followUp, StringComparison.Ordinal);
        using var admin = Admin(_server);
        var transcript = await admin.GetStringAsync($"/admin/calls/{callSid}/transcript?reason=test").DefaultTimeout();
        Assert.Contains("card payment approved", transcript, StringComparison.Ordinal);

        foreach (var secret in new[] { CardNumber, "41111111", "1111 1111" })
        {
            Assert.DoesNotContain(secret, _logs.AllText, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, transcript, StringComparison.Ordinal);
            Assert.All(_server.Model.Requests.Received, r => Assert.DoesNotContain(secret, r.RawJson, StringComparison.Ordinal));
            Assert.Empty(FilesContaining(_dataDir, secret));
            Assert.DoesNotContain(secret, Encoding.Latin1.GetString(wav), StringComparison.Ordinal);
        }
        // The security code as a token of its own (timestamps' fractional seconds may hold any three digits, a hex id any
        // three characters).
        Assert.DoesNotMatch(@"(?<![0-9A-Za-z])737(?![0-9A-Za-z])", transcript);
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("pressed 7", StringComparison.Ordinal) || l.Contains("Digit=4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Card_entry_does_not_start_when_the_recording_cannot_be_paused()
    {
        _server.Model.Enqueue(ChatReply.ToolCall("collect_payment", """{"purpose":"order 9"}"""));
        _server.Model.Enqueue(ChatReply.Text("I can't take the card on this call, sorry."));
        var (caller, _) = await DialAsync(_server);
        await using (caller)
        {
            await _rest.Recordings.NextEventAsync().DefaultTimeout();
            _rest.FailNext(500);
            await caller.SendPromptAsync("Can I pay now?").DefaultTimeout();
            Assert.Equal("I can't take the card on this call, sorry.", await NextSpokenAsync(caller));
        }
        Assert.Contains("recording could not be paused", _server.Model.Requests.Received[^1].RawJson, StringComparison.Ordinal);
        Assert.Empty(_payments.Requests);
    }

    private async Task WaitForTranscriptFileAsync()
        => await WaitUntilAsync(() => !Directory.EnumerateFiles(Path.Combine(_dataDir, "spool", "transcripts")).Any(), "the transcript spool to drain");

    private static async Task KeyAsync(VoiceAgent.Emulators.Twilio.ConversationRelayCaller caller, string keys)
    {
        foreach (var key in keys) await caller.SendDtmfAsync(key.ToString()).DefaultTimeout();
    }

    /// <summary>The next non-empty spoken reply (a tool turn closes with an empty frame).</summary>
    private static async Task<string> NextSpokenAsync(VoiceAgent.Emulators.Twilio.ConversationRelayCaller caller)
    {
        for (var i = 0; i < 10; i++)
        {
            var text = (await caller.ReadReplyAsync(0).DefaultTimeout()).Text;
            if (text.Length > 0) return text;
        }
        throw new InvalidOperationException("no spoken reply");
    }

    private sealed class RecordingPaymentHandler : IPaymentHandler
    {
        public List<PaymentRequest> Requests { get; } = [];

        /// <summary>Set: a charge waits until <see cref="Release"/> completes (to look at the call while the handler runs).</summary>
        public bool Hold { get; set; }
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken cancellationToken)
        {
            lock (Requests) Requests.Add(request);
            Entered.TrySetResult();
            if (Hold) await Release.Task.WaitAsync(cancellationToken);
            return new PaymentResult(true, "PAY-77");
        }
    }
}
