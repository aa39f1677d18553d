using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Emulators.Twilio.Rest;
using VoiceAgent.Payments;
using VoiceAgent.Tests.TestSupport;
using static VoiceAgent.Tests.Storage.RecordsTestSupport;

namespace VoiceAgent.Tests.EndToEnd.Compliance;

/// <summary>
/// Card entry when things go wrong, over real sockets (ConversationRelay caller, Anthropic emulator, Twilio REST
/// emulator's Recordings API): a payment handler that throws, declines or never answers (past
/// <c>PAYMENT_HANDLER_TIMEOUT_MS</c>) gets the caller told by the next reply, the recording resumed, and no card digit
/// anywhere; a caller who says the card number aloud is asked to use the keypad and the digits go nowhere.
/// </summary>
public sealed class CardPaymentFailureTests : IAsyncLifetime
{
    private const string CardNumber = "4111111111111111";
    private const string SpokenCard = "4111 1111 1111 1111";
    private static readonly PaymentCaptureOptions Lines = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ScriptedPaymentHandler _payments = new();
    private TwilioRestEmulator _rest = null!;
    private RelayServer _server = null!;
    private string _dataDir = null!;

    public async Task InitializeAsync()
    {
        _rest = new TwilioRestEmulator(RelayServer.AccountSid, RelayServer.AuthToken);
        await _rest.StartAsync().DefaultTimeout();
        _dataDir = Directory.CreateTempSubdirectory("voiceagent-pci-fail-").FullName;
        _server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["RECORDING_ENABLED"] = "true",
            ["TWILIO_API_BASE_URL"] = _rest.BaseUrl.ToString().TrimEnd('/'),
            ["DATA_DIR"] = _dataDir,
            ["ADMIN_TOKEN"] = AdminToken,
            // The bound under test for a handler that never answers; the other cases answer at once.
            ["PAYMENT_HANDLER_TIMEOUT_MS"] = "1500",
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

    [Theory]
    [InlineData(HandlerFailure.Throws, "not completed: the payment service did not answer (InvalidOperationException)")]
    [InlineData(HandlerFailure.Declines, "declined: insufficient funds")]
    [InlineData(HandlerFailure.Hangs, "not completed: the payment service did not answer (no answer within 1.5 s)")]
    public async Task A_failing_payment_handler_gets_the_caller_told_the_recording_resumed_and_no_digit_kept(HandlerFailure failure, string modelHears)
    {
        _payments.Failure = failure;
        _server.Model.Enqueue(ChatReply.ToolCall("collect_payment", """{"purpose":"invoice 88","amount":40,"currency":"USD"}"""));
        _server.Model.Enqueue(ChatReply.Text("I'm sorry, that payment did not go through."));
        var (caller, callSid) = await DialAsync(_server);
        await using (caller)
        {
            await _rest.Recordings.NextEventAsync().DefaultTimeout();
            await caller.SendPromptAsync("I want to pay my invoice.").DefaultTimeout();
            Assert.Equal(Lines.CardNumberPrompt, await NextSpokenAsync(caller));
            Assert.Equal("paused", _rest.Recordings.ActiveStatus(callSid));
            await KeyAsync(caller, CardNumber + "#");
            Assert.Equal(Lines.ExpiryPrompt, await NextSpokenAsync(caller));
            await KeyAsync(caller, "0931#");
            Assert.Equal(Lines.SecurityCodePrompt, await NextSpokenAsync(caller));
            await KeyAsync(caller, "737#");
            Assert.Equal(Lines.ProcessingLine, await NextSpokenAsync(caller));

            Assert.Equal("I'm sorry, that payment did not go through.", await NextSpokenAsync(caller));
            Assert.Equal("in-progress", _rest.Recordings.ActiveStatus(callSid)); // resumed after the failure
        }
        Assert.Equal(CardNumber, Assert.Single(_payments.Requests).Card.Number);
        Assert.Contains($"[Card payment for invoice 88: {modelHears}.", _server.Model.Requests.Received[^1].RawJson, StringComparison.Ordinal);
        var transcript = await TranscriptAsync(callSid);
        Assert.Contains("card payment not approved", transcript, StringComparison.Ordinal);
        AssertNoCardDigits(transcript);
        Assert.Equal(["in-progress", "paused", "in-progress"], _rest.Recordings.Events.Where(e => e.CallSid == callSid).Select(e => e.Status).Take(3));
    }

    [Fact]
    public async Task A_card_number_said_aloud_during_card_entry_is_refused_and_never_reaches_the_model_the_transcript_or_the_logs()
    {
        _payments.Failure = HandlerFailure.None;
        _server.Model.Enqueue(ChatReply.ToolCall("collect_payment", """{"purpose":"invoice 91"}"""));
        _server.Model.Enqueue(ChatReply.Text("No problem, we can do it another time."));
        var (caller, callSid) = await DialAsync(_server);
        await using (caller)
        {
            await _rest.Recordings.NextEventAsync().DefaultTimeout();
            await caller.SendPromptAsync("I'd like to pay invoice 91.").DefaultTimeout();
            Assert.Equal(Lines.CardNumberPrompt, await NextSpokenAsync(caller));
            var requestsBefore = _server.Model.Requests.Received.Count;

            await caller.SendPromptAsync($"My card number is {SpokenCard}").DefaultTimeout();
            Assert.Equal(Lines.UseKeypadLine, await NextSpokenAsync(caller));
            await caller.SendPromptAsync("it's 4111111111111111 expiry 09 31 code 737").DefaultTimeout();
            Assert.Equal(Lines.UseKeypadLine, await NextSpokenAsync(caller));
            Assert.Equal(requestsBefore, _server.Model.Requests.Received.Count); // nothing went to the model meanwhile

            await caller.SendDtmfAsync("*").DefaultTimeout(); // the caller gives up on card entry
            Assert.Equal("No problem, we can do it another time.", await NextSpokenAsync(caller));
            Assert.Equal("in-progress", _rest.Recordings.ActiveStatus(callSid));
        }
        Assert.Empty(_payments.Requests);
        var transcript = await TranscriptAsync(callSid);
        Assert.Contains("card entry ended without payment", transcript, StringComparison.Ordinal);
        Assert.DoesNotContain("card number is", transcript, StringComparison.Ordinal);
        AssertNoCardDigits(transcript);
    }

    private void AssertNoCardDigits(string transcript)
    {
        foreach (var secret in new[] { CardNumber, SpokenCard, "41111111", "1111 1111" })
        {
            Assert.DoesNotContain(secret, _logs.AllText, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, transcript, StringComparison.Ordinal);
            Assert.All(_server.Model.Requests.Received, r => Assert.DoesNotContain(secret, r.RawJson, StringComparison.Ordinal));
            Assert.Empty(FilesContaining(_dataDir, secret));
        }
        // The security code as a token of its own: "737" inside a hex id (a call's hash, "…836a737c615…") is not it.
        Assert.DoesNotMatch(@"(?<![0-9A-Za-z])737(?![0-9A-Za-z])", transcript);
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("pressed 7", StringComparison.Ordinal) || l.Contains("Digit=4", StringComparison.Ordinal));
    }

    private async Task<string> TranscriptAsync(string callSid)
    {
        await WaitUntilAsync(() => Directory.Exists(Path.Combine(_dataDir, "spool", "transcripts"))
            && !Directory.EnumerateFiles(Path.Combine(_dataDir, "spool", "transcripts")).Any(), "the transcript spool to drain");
        using var admin = Admin(_server);
        string? text = null;
        await WaitUntilAsync(async () =>
        {
            using var response = await admin.GetAsync($"/admin/calls/{callSid}/transcript?reason=test");
            if (!response.IsSuccessStatusCode) return false;
            text = await response.Content.ReadAsStringAsync();
            return true;
        }, "the call's transcript");
        return text!;
    }

    private static async Task KeyAsync(ConversationRelayCaller caller, string keys)
    {
        foreach (var key in keys) await caller.SendDtmfAsync(key.ToString()).DefaultTimeout();
    }

    /// <summary>The next non-empty spoken reply (a tool turn closes with an empty frame).</summary>
    private static async Task<string> NextSpokenAsync(ConversationRelayCaller caller)
    {
        for (var i = 0; i < 10; i++)
        {
            var text = (await caller.ReadReplyAsync(0).DefaultTimeout(TimeSpan.FromSeconds(30))).Text;
            if (text.Length > 0) return text;
        }
        throw new InvalidOperationException("no spoken reply");
    }

    public enum HandlerFailure { None, Throws, Declines, Hangs }

    private sealed class ScriptedPaymentHandler : IPaymentHandler
    {
        public List<PaymentRequest> Requests { get; } = [];
        public HandlerFailure Failure { get; set; }

        public async Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken cancellationToken)
        {
            lock (Requests) Requests.Add(request);
            switch (Failure)
            {
                case HandlerFailure.Throws:
                    // A careless handler putting the card in its error: the engine must not pass it on.
                    throw new InvalidOperationException($"gateway refused card {request.Card.Number}");
                case HandlerFailure.Declines:
                    return new PaymentResult(false, Message: "insufficient funds");
                case HandlerFailure.Hangs:
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    return new PaymentResult(true);
                default:
                    return new PaymentResult(true, "PAY-1");
            }
        }
    }
}
