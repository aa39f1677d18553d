using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;
using VoiceAgent.Emulators.Audio;
using VoiceAgent.Emulators.ElevenLabs;
using VoiceAgent.Emulators.Twilio.MediaStreams;

namespace VoiceAgent.Emulators.Twilio.Rest;

/// <summary>
/// One outbound call the REST emulator placed, played out as Twilio would (see <see cref="TwilioRestEmulator"/>), with
/// the callee's side of it: what the callee heard and said (<see cref="Transcript"/>), the voicemail recorded, and the
/// final status.
/// </summary>
public sealed class EmulatedCall
{
    private readonly string _accountSid;
    private readonly IReadOnlySet<string> _events;
    private readonly TwilioRequestSigner _signer;
    private readonly string _authToken;
    private readonly HttpClient _http;
    private readonly Func<Uri, Uri> _route;
    private readonly Action<string, string?> _runTwiml;
    private readonly Action<TwilioStatusCallback> _statusPosted;
    private readonly List<string> _transcript = [];
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _hangUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sequence;
    private long _answeredAt;

    internal EmulatedCall(string sid, string accountSid, string to, string from, IReadOnlyDictionary<string, string> parameters, IReadOnlySet<string> events,
        CalleeBehavior behavior, string authToken, HttpClient http, Func<Uri, Uri> route, Action<string, string?> runTwiml, Action<TwilioStatusCallback> statusPosted)
    {
        _runTwiml = runTwiml;
        _statusPosted = statusPosted;
        Sid = sid;
        _accountSid = accountSid;
        To = to;
        From = from;
        Parameters = parameters;
        _events = events;
        Behavior = behavior;
        _authToken = authToken;
        _signer = new TwilioRequestSigner(authToken);
        _http = http;
        _route = route;
    }

    public string Sid { get; }
    public string To { get; }
    public string From { get; }
    /// <summary>The CreateCall form parameters (array parameters joined with a space).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }
    /// <summary>The inline TwiML the call runs once answered (the warm transfer's agent leg); null when it fetches <c>Url</c>.</summary>
    public string? Twiml => Parameters.GetValueOrDefault("Twiml");
    public CalleeBehavior Behavior { get; }
    /// <summary>The ConversationRelay session the answer TwiML connected (null on Media Streams or before the answer).</summary>
    public ConversationRelayCaller? Relay { get; private set; }
    /// <summary>The media stream the answer TwiML connected (null on ConversationRelay or before the answer).</summary>
    public MediaStreamsCaller? Media { get; private set; }
    /// <summary>The <c>&lt;Parameter&gt;</c>s of the answer TwiML.</summary>
    public IReadOnlyDictionary<string, string> TwimlParameters { get; private set; } = new Dictionary<string, string>();
    /// <summary>The <c>welcomeGreeting</c> Twilio spoke first on ConversationRelay.</summary>
    public string? Greeting { get; private set; }
    /// <summary>The message the answering machine recorded (the <c>&lt;Say&gt;</c> of the voicemail TwiML).</summary>
    public string? Voicemail { get; private set; }
    /// <summary>Every callback the emulator sent: kind and status (e.g. <c>status:ringing</c>, <c>amd:machine_end_beep</c>).</summary>
    public List<string> Callbacks { get; } = [];
    /// <summary>The callee's side of the call, line by line.</summary>
    public IReadOnlyList<string> Transcript { get { lock (_transcript) return _transcript.ToArray(); } }
    /// <summary>Completes with the final status (completed, busy, no-answer, failed, canceled).</summary>
    public Task<string> Ended => _ended.Task;
    /// <summary>Completes when the answer TwiML's socket is connected.</summary>
    public Task Answered => _answered.Task;

    /// <summary>The callee hangs up.</summary>
    public void HangUp() => _hangUp.TrySetResult("the callee hung up");

    internal async Task RunAsync()
    {
        try
        {
            await StatusAsync("initiated");
            switch (Behavior.Answer)
            {
                case CalleeAnswer.Busy:
                    await FinishAsync("busy", ("SipResponseCode", "486"));
                    return;
                case CalleeAnswer.Failed:
                    await FinishAsync("failed", ("SipResponseCode", "500"));
                    return;
            }
            await StatusAsync("ringing");
            if (Behavior.Answer == CalleeAnswer.NoAnswer)
            {
                await FinishAsync("no-answer", ("SipResponseCode", "487"));
                return;
            }
            if (Behavior.Answer == CalleeAnswer.KeepsRinging)
            {
                Say("--", "ringing until cancelled: " + await _hangUp.Task);
                await FinishAsync("canceled", ("SipResponseCode", "487"));
                return;
            }
            _answeredAt = Stopwatch.GetTimestamp();
            await StatusAsync("in-progress");
            if (Twiml is { } inline)
            {
                // Inline TwiML (the agent leg): <Say> is heard, <Dial><Conference> joins the room until someone hangs up.
                foreach (var say in XDocument.Parse(inline).Root!.Elements("Say")) Say("agent leg heard", say.Value);
                _runTwiml(Sid, inline);
                _answered.TrySetResult();
                Say("--", "call ended: " + await _hangUp.Task);
                _runTwiml(Sid, null);
                await FinishAsync("completed", ("CallDuration", ((int)Stopwatch.GetElapsedTime(_answeredAt).TotalSeconds).ToString(CultureInfo.InvariantCulture)));
                return;
            }
            var twiml = await PostAsync(new Uri(Parameters["Url"]), CallForm("in-progress"));
            if (twiml is null || !await ConnectAsync(twiml))
            {
                await FinishAsync("completed");
                return;
            }
            _answered.TrySetResult();
            await (Behavior.Answer == CalleeAnswer.Machine ? MachineAsync() : PersonAsync());
            var reason = await Task.WhenAny(_hangUp.Task, SocketClosed()) is Task<string> t ? await t : "closed";
            Say("--", $"call ended: {reason}");
            if (Relay is not null) await Relay.DisposeAsync();
            if (Media is not null) await Media.HangUpAsync();
            await FinishAsync("completed", ("CallDuration", ((int)Stopwatch.GetElapsedTime(_answeredAt).TotalSeconds).ToString(CultureInfo.InvariantCulture)));
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or System.Net.WebSockets.WebSocketException or System.Xml.XmlException or TaskCanceledException)
        {
            Say("--", "emulated call failed: " + ex.Message);
            await FinishAsync("failed");
        }
    }

    /// <summary>A live-call update: voicemail TwiML (<c>&lt;Say&gt;</c> then <c>&lt;Hangup/&gt;</c>) or <c>Status=completed</c>.</summary>
    internal Task OnUpdateAsync(IReadOnlyDictionary<string, string> update)
    {
        if (update.GetValueOrDefault("Status") is "completed" or "canceled")
        {
            _hangUp.TrySetResult("hung up over REST");
        }
        else if (update.GetValueOrDefault("Twiml") is { } twiml)
        {
            var root = XDocument.Parse(twiml).Root!;
            foreach (var say in root.Elements("Say"))
            {
                Voicemail = say.Value;
                Say(Behavior.Answer == CalleeAnswer.Machine ? "agent (recorded after the beep)" : "agent", say.Value);
            }
            if (root.Element("Hangup") is not null || !root.Elements().Any(e => e.Name.LocalName is "Connect" or "Dial"))
                _hangUp.TrySetResult("the TwiML hung up");
        }
        return Task.CompletedTask;
    }

    private async Task<bool> ConnectAsync(string twiml)
    {
        var root = XDocument.Parse(twiml).Root ?? throw new InvalidOperationException("Empty TwiML.");
        var connect = root.Element("Connect");
        var relay = connect?.Element("ConversationRelay");
        var stream = connect?.Element("Stream");
        var target = relay ?? stream;
        if (target is null)
        {
            foreach (var say in root.Elements("Say")) Say("agent", say.Value);
            return false;
        }
        TwimlParameters = target.Elements("Parameter").ToDictionary(p => p.Attribute("name")!.Value, p => p.Attribute("value")?.Value ?? "", StringComparer.Ordinal);
        var socketUrl = target.Attribute("url")?.Value ?? throw new InvalidOperationException("The TwiML socket has no url.");
        if (relay is not null)
        {
            Greeting = relay.Attribute("welcomeGreeting")?.Value;
            Relay = await ConversationRelayCaller.ConnectAsync(_route(new Uri(socketUrl)), socketUrl, _authToken, CancellationToken.None);
            await Relay.SendSetupAsync(Sid, _accountSid, From, To, TwimlParameters);
            if (Greeting is not null) Say("agent", Greeting);
        }
        else
        {
            Media = await MediaStreamsCaller.ConnectAsync(_route(new Uri(socketUrl)), socketUrl, _authToken,
                new MediaStreamsCallerOptions { AccountSid = _accountSid, CallSid = Sid, CustomParameters = TwimlParameters }, CancellationToken.None);
        }
        return true;
    }

    private async Task PersonAsync()
    {
        await AmdAsync("human");
        if (Behavior.PersonSays is not { } line || Relay is null) return;
        Say("callee", line);
        var sent = await Relay.SendPromptAsync(line);
        var reply = await Relay.ReadReplyAsync(sent).WaitAsync(TimeSpan.FromSeconds(30));
        Say("agent", reply.Text);
        Say("callee", "Thanks, bye.");
        HangUp();
    }

    private async Task MachineAsync()
    {
        var detectMessageEnd = Parameters.GetValueOrDefault("MachineDetection") == "DetectMessageEnd";
        if (!detectMessageEnd) await AmdAsync("machine_start");
        Say("callee (answering machine)", Behavior.MachineGreeting);
        if (Relay is not null)
        {
            await Relay.SendPromptAsync(Behavior.MachineGreeting); // Twilio transcribes the greeting like any speech
        }
        else if (Media is not null)
        {
            await Media.PlayAsync(GreetingAudio(Behavior.MachineGreeting));
            await Media.PlayAsync(BeepAudio());
        }
        Say("callee (answering machine)", "[beep]");
        if (detectMessageEnd) await AmdAsync("machine_end_beep");
    }

    private async Task AmdAsync(string answeredBy)
    {
        if (!Behavior.SendAmdResult || !Parameters.ContainsKey("MachineDetection")) return;
        if (Parameters.GetValueOrDefault("AsyncAmd") != "true" || Parameters.GetValueOrDefault("AsyncAmdStatusCallback") is not { } url) return;
        var value = Behavior.AnsweredByOverride ?? answeredBy;
        Callbacks.Add("amd:" + value);
        await PostAsync(new Uri(url), [new("AccountSid", _accountSid), new("CallSid", Sid), new("AnsweredBy", value),
            new("MachineDetectionDuration", ((int)Stopwatch.GetElapsedTime(_answeredAt).TotalMilliseconds).ToString(CultureInfo.InvariantCulture))]);
    }

    private async Task StatusAsync(string status, params (string, string)[] extra)
    {
        var requested = status switch { "in-progress" => "answered", "initiated" or "ringing" => status, _ => "completed" };
        if (!_events.Contains(requested) && requested != "completed") return;
        if (Parameters.GetValueOrDefault("StatusCallback") is not { } url) return;
        var form = CallForm(status);
        form.Add(new("Timestamp", DateTimeOffset.UtcNow.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)));
        form.Add(new("CallbackSource", "call-progress-events"));
        form.Add(new("SequenceNumber", (_sequence++).ToString(CultureInfo.InvariantCulture)));
        foreach (var (k, v) in extra) form.Add(new(k, v));
        Callbacks.Add("status:" + status);
        var publicUrl = new Uri(url);
        using var request = _signer.CreateFormPost(_route(publicUrl), publicUrl.ToString(), form);
        int answered;
        try
        {
            using var response = await _http.SendAsync(request);
            answered = (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            _statusPosted(new TwilioStatusCallback(Sid, status, 0));
            throw;
        }
        _statusPosted(new TwilioStatusCallback(Sid, status, answered));
        if (answered is < 200 or > 299) throw new InvalidOperationException($"{publicUrl.AbsolutePath} answered {answered}");
    }

    private async Task FinishAsync(string status, params (string, string)[] extra)
    {
        try { await StatusAsync(status, extra); }
        catch (HttpRequestException) { }
        _ended.TrySetResult(status);
    }

    private async Task<string?> PostAsync(Uri publicUrl, List<KeyValuePair<string, string>> form)
    {
        using var request = _signer.CreateFormPost(_route(publicUrl), publicUrl.ToString(), form);
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{publicUrl.AbsolutePath} answered {(int)response.StatusCode}");
        return body;
    }

    private Task<string> SocketClosed() => Relay is not null
        ? Relay.WaitForCloseAsync().ContinueWith(_ => "the agent closed the session", TaskScheduler.Default)
        : Media!.WaitForCloseAsync().ContinueWith(_ => "the agent closed the stream", TaskScheduler.Default);

    private List<KeyValuePair<string, string>> CallForm(string status) =>
    [
        new("AccountSid", _accountSid), new("ApiVersion", "2010-04-01"), new("CallSid", Sid), new("Direction", "outbound-api"),
        new("From", From), new("To", To), new("Called", To), new("Caller", From), new("CallStatus", status),
    ];

    private void Say(string who, string text)
    {
        lock (_transcript) _transcript.Add($"{who}: {text}");
    }

    /// <summary>The greeting as speech-like audio (8 kHz μ-law), as an answering machine plays it.</summary>
    private static byte[] GreetingAudio(string text)
    {
        var synth = new SpeechLikeSynthesizer(8000);
        var pcm = new short[text.Length * synth.SamplesPerCharacter];
        synth.Render(text, 0, text.Length, pcm);
        return MuLawCodec.Encode(pcm);
    }

    /// <summary>The beep: 1 kHz for 500 ms, then 200 ms of silence.</summary>
    private static byte[] BeepAudio()
    {
        var pcm = new short[8000 * 700 / 1000];
        for (var i = 0; i < 4000; i++) pcm[i] = (short)(9000 * Math.Sin(2 * Math.PI * 1000 * i / 8000));
        return MuLawCodec.Encode(pcm);
    }
}
