using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Speech.Audio;
using VoiceAgent.Speech.Echo;
using VoiceAgent.Speech.Vad;
using VoiceAgent.Observability;

namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// Our own ConversationRelay: turns a carrier's raw audio into the same conversation events the text-level path
/// feeds the engine (VAD + streaming STT → <see cref="UserSaid"/>, <see cref="UserInterrupted"/>), and turns the
/// engine's streamed tokens into audio (streaming TTS → 20 ms frames paced in real time, with marks that tell what
/// was actually heard). To the engine it is just another <see cref="ICallTransport"/>.
/// </summary>
/// <remarks>
/// Shaped like <see cref="CallSession"/>: everything that happens to the call's audio is a message in one mailbox
/// (<see cref="PipelineInput"/>), and one loop (<see cref="RunAsync"/>) reads it and alone owns the call's speech
/// state: the detector, the echo canceller, barge-in (<see cref="BargeInDecision"/>), utterance assembly
/// (<see cref="UtteranceAssembler"/>), what was heard (<see cref="PlaybackTracker"/>) and the reply being voiced. The
/// parts that wait do so on their own tasks and report back through the mailbox: the STT session's reader, the
/// reply's TTS stream (<see cref="ReplyVoice"/>) and the real-time playout (<see cref="Playout"/>). The loop awaits
/// only socket writes (STT audio, <c>clear</c>) and the engine's mailbox.
/// </remarks>
internal sealed partial class SpeechPipeline : ICallTransport, IAsyncDisposable
{
    private readonly IAudioTransport _carrier;
    private readonly ISpeechToText _stt;
    private readonly ITextToSpeech _tts;
    private readonly SpeechPipelineOptions _options;
    private readonly TimeProvider _clock;
    private readonly VoiceAgentMetrics _metrics;
    private readonly ILogger _logger;
    private readonly string _transportName;
    private readonly AudioFormat _format;
    private readonly ICallLocales _locales;
    // One reader, continuations on the pool: running the loop inline on a poster's thread (the carrier's or a
    // provider's receive loop, the engine's reply, a timer) cut three hops on the way to the first audio but failed a
    // barge-in resume test once in four end-to-end runs (docs/latency.md, fourth round), so it is not on yet.
    private readonly Channel<PipelineInput> _mailbox = Channel.CreateBounded<PipelineInput>(
        new BoundedChannelOptions(512) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _life = new();
    private Func<ConversationEvent, CancellationToken, ValueTask> _post = (_, _) => ValueTask.CompletedTask;
    private Task _loop = Task.CompletedTask;
    private Task _playoutRun = Task.CompletedTask;
    private string _callId = "pending";
    private CallLocale? _locale; // engine side: set by StartAsync and language switches (the engine is this transport's one writer)

    // ── Owned by the loop (RunAsync); set up before it starts, never touched from elsewhere after. ──
    private readonly VoiceActivityDetector _vad;
    private readonly EchoCanceller _echo;
    private readonly FarEndTimeline _farEnd;
    private readonly byte[] _cancelledFrame;
    private readonly short[] _inboundPcm;
    private readonly short[] _playedPcm;
    private readonly PlaybackTracker _tracker;
    private readonly UtteranceAssembler _utterance = new();
    private readonly BargeInDecision _bargeIn;
    private readonly CallerSpeechLedger _callerSpeech = new();
    private readonly SpeculationDecision _speculation;
    private readonly List<Task> _background = []; // timers, retired sessions and voices: awaited when the call ends
    private readonly List<TaskCompletionSource> _idleWaiters = [];
    private Playout _playout = null!;
    private ISpeechToTextSession? _sttSession;
    private CancellationTokenSource? _sttStop;
    private TextToSpeechStreamOptions _ttsOptions = new("", "");
    private Task<ITextToSpeechStream>? _preparedTts;
    private long _preparedTtsAt;
    private int? _heldId; // the reply the engine started speculatively: synthesised into _held, not played until released
    private HeldReply? _held;
    private bool _lastFrameVoiced;
    private ReplyInProgress? _active;
    private AudioTurnTimeline? _pendingTimeline;
    private AudioTurnTimeline? _lastTimeline;
    private int _cancelledUpTo = -1;
    private int _pendingToneFrames;
    private int _lastSentReplyId = int.MinValue;
    private bool _speechLost; // the engine was told speech recognition or synthesis is gone
    private int _voiceFailures; // replies whose synthesis failed on this call; after one, the next open gets the fallback budget
    private long _lastSpeechStartedAt;
    private long _lastVoicedFrameAt;
    private long _lastFlushAt;

    /// <summary>The reply being voiced: its TTS stream, the frames it is cut into, its marks and its timeline.</summary>
    private sealed class ReplyInProgress(ReplyVoice voice, AudioTurnTimeline timeline, AudioFrameAssembler assembler)
    {
        public ReplyVoice Voice { get; } = voice;
        public int Id => Voice.ReplyId;
        public AudioTurnTimeline Timeline { get; } = timeline;
        public AudioFrameAssembler Assembler { get; } = assembler;
        public int NextMarkSequence { get; set; }
    }

    /// <summary>A speculative reply being synthesised while the turn is unconfirmed: its voice's reports wait here.</summary>
    private sealed class HeldReply(ReplyInProgress reply)
    {
        public ReplyInProgress Reply { get; } = reply;
        public List<VoiceReport> Reports { get; } = [];
    }

    /// <summary>
    /// A TTS socket opened ahead is used for a reply only while younger than this: below ElevenLabs' default
    /// <c>inactivity_timeout</c> (20 s), after which the service closes a socket that was sent no text.
    /// </summary>
    internal static readonly TimeSpan PreparedTtsMaxAge = TimeSpan.FromSeconds(15);
    private readonly PlayoutScheduler _playoutScheduler;

    public SpeechPipeline(IAudioTransport carrier, ISpeechToText stt, ITextToSpeech tts, SpeechPipelineOptions options, ICallLocales locales,
        TimeProvider clock, PlayoutScheduler playoutScheduler, VoiceAgentMetrics metrics, ILogger logger, string transportName)
    {
        _playoutScheduler = playoutScheduler;
        _locales = locales;
        _bargeIn = new BargeInDecision(options.BargeInMinSpeech, clock.TimestampFrequency);
        _carrier = carrier;
        _stt = stt;
        _tts = tts;
        _options = options;
        _clock = clock;
        _metrics = metrics;
        _logger = logger;
        _transportName = transportName;
        _format = carrier.Format;
        _vad = new VoiceActivityDetector(options.Vad, _format.SampleRate);
        _echo = new EchoCanceller(_format.SampleRate);
        _farEnd = new FarEndTimeline(_format.SampleRate, clock.TimestampFrequency);
        _cancelledFrame = new byte[_format.FrameBytes];
        _inboundPcm = new short[_format.SamplesPerFrame];
        _playedPcm = new short[_format.SamplesPerFrame];
        _tracker = new PlaybackTracker(clock);
        _speculation = new SpeculationDecision(options.Speculation, options.SpeculationStableFor, clock.TimestampFrequency);
    }

    private long FrameTicks => _clock.TimestampFrequency / 50;

    /// <summary>Keypad tones and a mid-call language switch are carried out here; hold music (a URL to stream) is not, so it is never offered.</summary>
    public CallCapabilities Capabilities => CallCapabilities.SendDigits | CallCapabilities.SwitchLanguage | CallCapabilities.SpeakingRate;

    /// <summary>Told when a reply's first frame left and when its first mark came back (the call's telemetry); null: nobody.</summary>
    internal IReplyPlaybackObserver? PlaybackObserver { get; set; }

    /// <summary>Where events for the engine go (the call's mailbox).</summary>
    public void Attach(Func<ConversationEvent, CancellationToken, ValueTask> post) => _post = post;

    /// <summary>Connects STT, starts the loop and playout, tells the engine the call started (with the session store's answer) and speaks the greeting.</summary>
    public async Task StartAsync(CallInfo call, CallLocale locale, string? greeting, Storage.Sessions.SessionLookup lookup, CancellationToken cancellationToken)
    {
        _callId = call.CallSid;
        _locale = locale;
        _ttsOptions = TtsOptionsFor(locale);
        PrepareTts(); // warm: the greeting (or the first reply) finds its TTS socket open; connected while STT connects
        ISpeechToTextSession? session = null;
        string? deaf = null;
        try
        {
            session = await _stt.ConnectAsync(SttOptionsFor(locale), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The caller is on the line and must hear something: the call starts without ears and is handed off.
            LogSttError(_logger, _callId, ex.Message, true);
            deaf = $"speech recognition failed to connect: {ex.GetType().Name}";
        }
        _playout = new Playout(_carrier, _options.PlayoutLead, _clock, _playoutScheduler, _metrics, _transportName,
            (item, ct) => PostAsync(new FrameSent(item, _clock.GetTimestamp()), ct), _logger, _callId);
        if (session is not null) UseSttSession(session);
        _loop = RunAsync(_life.Token);
        _playoutRun = _playout.RunAsync(_life.Token);
        LogStarted(_logger, _callId, locale.Name, _format.Name);
        await _post(new CallStarted(call with { Language = locale.SttLanguage }) { ReceivedAt = _clock.GetTimestamp(), Lookup = lookup }, cancellationToken);
        if (deaf is not null) await PostAsync(new SttLost(null, deaf), cancellationToken);
        else if (!string.IsNullOrWhiteSpace(greeting)) await SendAsync(new SpeakToken(greeting, Last: true, ReplyId: 0), cancellationToken);
    }

    private TextToSpeechStreamOptions TtsOptionsFor(CallLocale locale) => new(locale.TtsVoiceId, _format.TtsOutputFormat, locale.TtsLanguageCode);

    private SpeechToTextSessionOptions SttOptionsFor(CallLocale locale) => new(locale.SttModel, locale.SttLanguage, _format.SttEncoding, _format.SampleRate);

    // ───────────── the carrier's inbound side: one entry per kind, all into the mailbox ─────────────

    /// <summary>
    /// One frame of caller audio, in the carrier's format (handled in <see cref="OnInboundFrameAsync"/>), with its place on
    /// the carrier's stream clock when the carrier stamps one (<paramref name="carrierMs"/>, ms since the stream started;
    /// null: counted, 20 ms per frame). It is copied into a pooled buffer before this returns, so the caller may reuse
    /// <paramref name="frame"/>'s memory at once.
    /// </summary>
    public async ValueTask OnAudioAsync(ReadOnlyMemory<byte> frame, long receivedAt, CancellationToken cancellationToken, long? carrierMs = null)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(frame.Length, 1));
        frame.CopyTo(buffer);
        if (!await TryPostAsync(new InboundFrame(buffer, frame.Length, receivedAt) { CarrierMs = carrierMs }, cancellationToken)) ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <summary>The carrier echoed a mark: the audio before it has played (handled in <see cref="OnMarkEchoed"/>).</summary>
    public ValueTask OnMarkAsync(string name) => PostAsync(new MarkEchoed(name), CancellationToken.None);

    /// <summary>The caller pressed a key.</summary>
    public ValueTask OnDigitAsync(string digit, long receivedAt, CancellationToken cancellationToken)
        => PostAsync(new DigitReceived(digit, receivedAt), cancellationToken);

    // ───────────── the engine's side ─────────────

    public async ValueTask SendAsync(TransportCommand command, CancellationToken cancellationToken)
    {
        switch (command)
        {
            case SpeakToken:
                await PostAsync(new EngineCommand(command, _clock.GetTimestamp()), cancellationToken);
                break;
            case SendDigits digits:
                if (!DtmfTones.IsValid(digits.Digits)) throw new CommandRejectedException($"'{digits.Digits}' holds a symbol that is not a keypad digit (0-9, *, #, A-D) or w");
                await PostAsync(new EngineCommand(command, _clock.GetTimestamp()), cancellationToken);
                break;
            case EndCall end:
                LogEndCall(_logger, _callId, end.HandoffData is not null);
                await WaitForPlaybackAsync(cancellationToken);
                await _carrier.HangUpAsync(end.HandoffData, cancellationToken);
                break;
            case SwitchLanguage language:
                await SwitchLanguageAsync(language.TranscriptionLanguage ?? language.TtsLanguage, cancellationToken);
                break;
            case ChangePacing { Pace: not null }:
            case ReplyHold:
                await PostAsync(new EngineCommand(command, _clock.GetTimestamp()), cancellationToken);
                break;
            default:
                LogUnsupported(_logger, _callId, command.GetType().Name, _transportName);
                throw new CommandRejectedException($"{command.GetType().Name} is not supported on {_transportName}");
        }
    }

    /// <summary>
    /// Switches speech recognition and synthesis to the locale-table row for <paramref name="language"/> (a row name
    /// such as <c>es-MX</c>, or a language such as <c>es</c>): a new STT session first, then the old one closed, and
    /// the next reply voiced in the row's voice. A language with no row is refused, and the call stays as it was.
    /// </summary>
    private async ValueTask SwitchLanguageAsync(string? language, CancellationToken cancellationToken)
    {
        var table = await _locales.TableAsync(cancellationToken);
        var row = language is null ? null : table.Find(language)
            ?? throw new CommandRejectedException($"no locale for '{language}'; this line speaks {string.Join(", ", table.Rows.Select(r => r.Name))}");
        if (row is null) throw new CommandRejectedException("no language given");
        if (_locale is { } current && current == row) return;
        var session = await _stt.ConnectAsync(SttOptionsFor(row), cancellationToken); // connected off the loop: the call keeps hearing meanwhile
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!await TryPostAsync(new LocaleSwitched(row, session, done), cancellationToken))
        {
            await session.DisposeAsync(); // the call is ending
            return;
        }
        await done.Task.WaitAsync(cancellationToken);
        _locale = row;
        LogLanguageSwitched(_logger, _callId, row.Name);
    }

    /// <summary>Waits (at most 15 s) until what was said before has played, so a hang-up does not cut it.</summary>
    private async ValueTask WaitForPlaybackAsync(CancellationToken cancellationToken)
    {
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!await TryPostAsync(new WhenIdle(idle), cancellationToken)) return;
        try
        {
            await idle.Task.WaitAsync(TimeSpan.FromSeconds(15), _clock, cancellationToken);
        }
        catch (TimeoutException)
        {
            LogPlaybackNotFinished(_logger, _callId);
        }
    }

    // ───────────── the mailbox ─────────────

    /// <summary>Posts to the loop; after the call ended (mailbox closed) there is no one to act, and the input is dropped.</summary>
    private async ValueTask PostAsync(PipelineInput input, CancellationToken cancellationToken) => await TryPostAsync(input, cancellationToken);

    private async ValueTask<bool> TryPostAsync(PipelineInput input, CancellationToken cancellationToken)
    {
        while (await _mailbox.Writer.WaitToWriteAsync(cancellationToken))
            if (_mailbox.Writer.TryWrite(input)) return true;
        return false;
    }

    /// <summary>The one loop: reads the mailbox until the call ends and alone changes the call's speech state.</summary>
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var input in _mailbox.Reader.ReadAllAsync(cancellationToken))
            {
                await HandleAsync(input, cancellationToken);
                if (_idleWaiters.Count > 0 && !AgentSpeaking) ReleaseIdleWaiters();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogLoopEnded(_logger, _callId, "the call ended");
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException)
        {
            LogLoopEnded(_logger, _callId, "the carrier socket is gone: " + ex.GetType().Name); // its receive loop ends the call
        }
        catch (Exception ex)
        {
            // The call's edge for its audio: it can no longer hear or speak. End it rather than leave it open, deaf and mute.
            LogPipelineFailed(_logger, _callId, ex);
            await HangUpAfterFailureAsync();
        }
        finally
        {
            _mailbox.Writer.TryComplete();
            ReleaseIdleWaiters();
            _active?.Voice.Cancel();
            _active = null;
            _held?.Reply.Voice.Cancel();
            _held = null;
            RetirePreparedTts();
            _sttStop?.Cancel();
            _playout.Complete();
        }
    }

    private async ValueTask HangUpAfterFailureAsync()
    {
        try
        {
            await _carrier.HangUpAsync(null, CancellationToken.None);
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException)
        {
            LogLoopEnded(_logger, _callId, "the carrier socket is gone: " + ex.GetType().Name);
        }
    }

    private ValueTask HandleAsync(PipelineInput input, CancellationToken ct)
    {
        switch (input)
        {
            case InboundFrame frame:
                return HandleInboundFrameAsync(frame, ct);
            case FrameSent sent:
                OnFrameSent(sent.Item, sent.SentAt);
                return ValueTask.CompletedTask;
            case MarkEchoed mark:
                OnMarkEchoed(mark.Name);
                return ValueTask.CompletedTask;
            case DigitReceived digit:
                return PostToEngineAsync(new DigitPressed(digit.Digit) { ReceivedAt = digit.ReceivedAt }, ct);
            case EngineCommand { Command: SpeakToken speak } command when speak.ReplyId == _heldId:
                HoldToken(speak, command.SentAt);
                return ValueTask.CompletedTask;
            case EngineCommand { Command: SpeakToken speak } command:
                return SpeakAsync(speak, command.SentAt, ct);
            case EngineCommand { Command: ReplyHold hold }:
                return OnReplyHoldAsync(hold, ct);
            case EngineCommand { Command: SendDigits digits }:
                QueueTones(digits.Digits);
                return ValueTask.CompletedTask;
            case EngineCommand { Command: ChangePacing { Pace: { } pace } }:
                // Replies from the next one on are voiced at the new speed; a socket opened ahead at the old speed is dropped.
                _ttsOptions = _ttsOptions with { SpeedFactor = Conversation.Pacing.PacingChange.SpeedFactor(pace) };
                RetirePreparedTts();
                return ValueTask.CompletedTask;
            case VoiceInput voice:
                return OnVoiceAsync(voice.Report, ct);
            case SttInput stt when ReferenceEquals(stt.Session, _sttSession):
                return OnSpeechEventAsync(stt.Event, ct);
            case SttLost lost when ReferenceEquals(lost.Session, _sttSession):
                return SpeechLostAsync(lost.Reason, ct);
            case LocaleSwitched switched:
                UseSttSession(switched.Session);
                _ttsOptions = TtsOptionsFor(switched.Locale) with { SpeedFactor = _ttsOptions.SpeedFactor }; // the caller's pace survives a language switch
                RetirePreparedTts(); // opened in the old voice
                switched.Done.TrySetResult();
                return ValueTask.CompletedTask;
            case ConfirmationDue:
                return OnConfirmationDueAsync(ct);
            case WhenIdle idle:
                _idleWaiters.Add(idle.Done);
                return ValueTask.CompletedTask;
            default:
                return ValueTask.CompletedTask; // events of a replaced STT session
        }
    }

    /// <summary>True while a reply is being synthesised or its audio (or keypad tones) has not finished playing.</summary>
    private bool AgentSpeaking => _active is not null || _tracker.HasUnplayedAudio || _pendingToneFrames > 0;

    private bool ReplyAudible => _active is not null || _tracker.HasUnplayedAudio;

    private void ReleaseIdleWaiters()
    {
        foreach (var waiter in _idleWaiters) waiter.TrySetResult();
        _idleWaiters.Clear();
    }

    /// <summary>Keeps a task that ends on its own (a timer, a closing socket) so the call's end can wait for it.</summary>
    private void Track(Task task)
    {
        _background.RemoveAll(t => t.IsCompleted);
        _background.Add(task);
    }

    /// <summary>Tells the engine; an engine that has already ended its call has no use for the event.</summary>
    private async ValueTask PostToEngineAsync(ConversationEvent @event, CancellationToken cancellationToken)
    {
        try
        {
            await _post(@event, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            LogEngineGone(_logger, _callId, @event.GetType().Name);
        }
    }

    // ───────────── inbound: carrier → echo canceller, VAD, STT → barge-in ─────────────

    /// <summary>Handles one inbound frame, then gives its pooled buffer back (nothing downstream keeps it: STT copies what it sends).</summary>
    private async ValueTask HandleInboundFrameAsync(InboundFrame frame, CancellationToken cancellationToken)
    {
        try
        {
            await OnInboundFrameAsync(frame.Frame, frame.ReceivedAt, frame.CarrierMs, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame.Buffer);
        }
    }

    /// <summary>
    /// Every inbound frame of caller audio passes here, in arrival order, on the loop: the one place to add a
    /// detector that listens to the caller's line.
    /// </summary>
    private async ValueTask OnInboundFrameAsync(ReadOnlyMemory<byte> frame, long receivedAt, long? carrierMs, CancellationToken cancellationToken)
    {
        var played = _farEnd.Inbound(carrierMs, receivedAt); // what was playing at this frame's place on the carrier's clock
        if (frame.Length != _format.FrameBytes)
        {
            // Odd sizes still reach STT as they are; cancellation and VAD run on whole frames.
            await SendToSttAsync(frame, cancellationToken);
            return;
        }
        _format.Decode(frame.Span, _inboundPcm);
        // Echo cancellation before VAD and STT, referenced to what the carrier was playing when this frame was taken.
        if (_options.EchoCancellation) _echo.Process(played, _inboundPcm);
        var cancelled = _options.EchoCancellation && _echo.Changed;
        var echoPathChanged = _options.EchoCancellation && _echo.SinceNewPath == 0;
        var echoSuspected = _options.EchoCancellation && _echo.EchoSuspected; // barge-in waits for the path's proof
        var echoUnresolved = _options.EchoCancellation && _echo.EchoUnresolved; // ... and for the filter to cancel it
        // The VAD's echo guard takes its reference from the same timeline, one frame per inbound frame: what was playing on
        // the carrier's clock, not what we had sent by the time this frame was read (inbound reads that fall behind under
        // load would otherwise shift the reference against the echo by the backlog).
        _vad.ObservePlayback(played);
        // Double talk over a converged filter: the caller talks over an echo already taken out; the VAD's level check stands down.
        var vad = _vad.Process(_inboundPcm, callerOverEcho: _options.EchoCancellation && _echo.DoubleTalk);
        var voiced = _vad.IsSpeaking && _vad.SpeechProbability >= 0.5f;
        if (voiced) _lastVoicedFrameAt = receivedAt + FrameTicks;
        _lastFrameVoiced = voiced;
        if (_speculation.Waiting) await SpeculateIfStableAsync(receivedAt, cancellationToken);
        // Frames the canceller cannot yet tell from our own echo are no evidence of the caller for the echo-bleed check.
        _callerSpeech.Frame(voiced && !echoUnresolved);
        if (cancelled) _format.Encode(_inboundPcm, _cancelledFrame);
        await SendToSttAsync(cancelled ? _cancelledFrame : frame, cancellationToken);
        if (echoPathChanged)
        {
            LogEchoPath(_logger, _callId, _echo.DelayMs ?? -1);
            _bargeIn.EchoPathChanged(receivedAt);
            _callerSpeech.EchoPathChanged();
        }
        else if (echoSuspected)
        {
            _bargeIn.EchoPathChanged(receivedAt);
            _callerSpeech.EchoPathChanged();
        }
        switch (vad.Kind)
        {
            case VadEventKind.SpeechStarted:
                LogSpeech(_logger, _callId, "started", AgentSpeaking);
                if (!echoUnresolved) _callerSpeech.SpeechStarted(); // an onset on an echo not yet cancelled is no evidence
                // The detector confirms speech some frames after it began; date it from the audio itself.
                _lastSpeechStartedAt = receivedAt - (long)((vad.DetectedAt - vad.Timestamp).TotalSeconds * _clock.TimestampFrequency);
                _bargeIn.SpeechStarted(_lastSpeechStartedAt);
                break;
            case VadEventKind.SpeechEnded:
                LogSpeech(_logger, _callId, "ended", AgentSpeaking);
                if (_bargeIn.SpeechEnded()) Track(ConfirmLaterAsync(_life.Token));
                break;
        }

        // Barge-in: caller speech during playback that has lasted long enough to be more than a blip.
        if (_bargeIn.Frame(receivedAt, voiced, ReplyAudible, echoUnresolved)) await BargeInAsync(receivedAt, cancellationToken);
    }

    /// <summary>Audio for STT; a session whose socket write fails is lost (the call would be deaf), and the engine is told.</summary>
    private async ValueTask SendToSttAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        if (_sttSession is not { } session) return;
        try
        {
            await session.SendAudioAsync(audio, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogSttError(_logger, _callId, ex.Message, true);
            _sttSession = null; // nothing more to send it
            await SpeechLostAsync($"speech recognition failed: {ex.GetType().Name}", cancellationToken);
        }
    }

    /// <summary>
    /// The carrier echoed a mark: the one place where playback is acknowledged (what the caller heard, when a reply
    /// finished playing).
    /// </summary>
    private void OnMarkEchoed(string name)
    {
        var played = _tracker.PlayedSegments;
        var closed = _tracker.MarkPlayed(name);
        // The reply's first echoed mark: the caller has heard it start (stamped once per reply).
        if (_tracker.PlayedSegments > played && _lastTimeline is { } current && current.Hops.Mark(TurnHop.FirstAudioHeard)) PlaybackObserver?.FirstAudioHeard(current.Hops);
        if (!closed || _lastTimeline is not { } timeline) return;
        if (timeline.Hops.Mark(TurnHop.PlaybackCompleted)) PlaybackObserver?.PlaybackCompleted(timeline.Hops);
        _lastTimeline = null;
        LogPlayed(_logger, _callId, timeline.Hops.TurnId, LogValues.Ms(timeline.Ms(timeline.Hops[TurnHop.FirstMediaSent], timeline.Hops[TurnHop.PlaybackCompleted])));
    }

    /// <summary>Caller speech over the agent: stop the audio at once and tell the engine what was heard.</summary>
    private async ValueTask BargeInAsync(long at, CancellationToken cancellationToken)
    {
        var heard = _tracker.HeardText();
        await StopSpeakingAsync(cancellationToken);
        LogBargeIn(_logger, _callId, heard.Length);
        await PostToEngineAsync(new UserInterrupted(heard, null) { ReceivedAt = at }, cancellationToken);
    }

    /// <summary>After barge-in speech ended: if STT produced no words in time, it was a cough, not a turn.</summary>
    private async Task ConfirmLaterAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(_options.BargeInConfirmation, _clock, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (cancellationToken.IsCancellationRequested) return; // the call ended first
        await PostAsync(new ConfirmationDue(), CancellationToken.None);
    }

    private async ValueTask OnConfirmationDueAsync(CancellationToken cancellationToken)
    {
        if (!_bargeIn.ConfirmationElapsed(_vad.IsSpeaking)) return;
        LogFalseInterruption(_logger, _callId);
        await PostToEngineAsync(new FalseInterruption { ReceivedAt = _clock.GetTimestamp() }, cancellationToken);
    }

    // ───────────── speech recognition ─────────────

    /// <summary>Makes <paramref name="session"/> the call's STT session and starts reading it; the previous one is closed after.</summary>
    private void UseSttSession(ISpeechToTextSession session)
    {
        var (oldSession, oldStop) = (_sttSession, _sttStop);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_life.Token);
        _sttSession = session;
        _sttStop = stop;
        var reader = ReadSttAsync(session, stop.Token);
        Track(reader);
        if (oldStop is not null) Track(RetireSttAsync(oldSession, oldStop));
    }

    private static async Task RetireSttAsync(ISpeechToTextSession? session, CancellationTokenSource stop)
    {
        await stop.CancelAsync();
        if (session is not null) await session.DisposeAsync();
        stop.Dispose();
    }

    /// <summary>
    /// Reads one STT session until it is replaced or the call ends, into the mailbox. A fatal error, a failure of the
    /// read itself or the session ending on its own leaves the call deaf: reported as <see cref="SttLost"/>, and the
    /// engine apologises and hands the call off.
    /// </summary>
    private async Task ReadSttAsync(ISpeechToTextSession session, CancellationToken cancellationToken)
    {
        string? lost = null;
        try
        {
            await foreach (var e in session.ReadEventsAsync(cancellationToken))
            {
                switch (e)
                {
                    case SpeechReconnected r:
                        LogSttReconnected(_logger, _callId, r.Reason);
                        break;
                    case SpeechError err:
                        LogSttError(_logger, _callId, err.Message, err.Fatal);
                        if (err.Fatal) lost = "speech recognition failed: " + err.Message;
                        break;
                    case TranscriptReceived or UtteranceEnded:
                        await PostAsync(new SttInput(session, e), cancellationToken);
                        break;
                }
                if (lost is not null) break;
            }
            if (lost is null && !cancellationToken.IsCancellationRequested) lost = "speech recognition ended unexpectedly";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // replaced (language switch) or the call ended: nothing more to hear from this session
        }
        catch (Exception ex)
        {
            LogSttError(_logger, _callId, ex.Message, true);
            lost = $"speech recognition failed: {ex.GetType().Name}";
        }
        if (lost is not null) await PostAsync(new SttLost(session, lost), CancellationToken.None);
    }

    private ValueTask OnSpeechEventAsync(SpeechEvent e, CancellationToken cancellationToken) => e switch
    {
        TranscriptReceived t => OnTranscriptAsync(t, cancellationToken),
        UtteranceEnded u => FlushUtteranceAsync(u.ReceivedAt, cancellationToken),
        _ => ValueTask.CompletedTask,
    };

    /// <summary>Speech recognition or synthesis is gone for good: tell the engine once, so it apologises and hands off.</summary>
    private async ValueTask SpeechLostAsync(string reason, CancellationToken cancellationToken)
    {
        if (_speechLost) return;
        _speechLost = true;
        LogSpeechLost(_logger, _callId, reason);
        await PostToEngineAsync(new SpeechUnavailable(reason) { ReceivedAt = _clock.GetTimestamp() }, cancellationToken);
    }

    private async ValueTask OnTranscriptAsync(TranscriptReceived t, CancellationToken cancellationToken)
    {
        // Words confirm a barge-in, unless they are the agent's own words coming back (echo): then it stays
        // unconfirmed and ends as a false interruption, and the agent resumes.
        if (!string.IsNullOrWhiteSpace(t.Text) && !(_bargeIn.Pending && EchoWords.AreAgentsOwn(t.Text, _tracker.ReplyText()))) _bargeIn.Words();
        if (t.IsFinal) _utterance.AddFinal(t.Text, t.Confidence, t.Duration);
        if (t.SpeechFinal)
        {
            await FlushUtteranceAsync(t.ReceivedAt, cancellationToken);
            return;
        }
        // Before the end of the turn: the words so far (finals, then the interim's words for the audio since) may be
        // stable enough to start the model on; new words make a running speculation stale.
        var interim = t.IsFinal ? "" : t.Text;
        var words = _utterance.With(interim);
        if (_speculation.Heard(words, final: string.IsNullOrWhiteSpace(interim), t.ReceivedAt) == SpeculationStep.Withdraw)
        {
            LogSpeculationWithdrawn(_logger, _callId);
            await PostToEngineAsync(new SpeculationWithdrawn { ReceivedAt = t.ReceivedAt }, cancellationToken);
        }
        await SpeculateIfStableAsync(t.ReceivedAt, cancellationToken);
    }

    /// <summary>Starts a speculative reply when the words are stable and the caller silent (and the agent is not speaking: that is barge-in's business).</summary>
    private async ValueTask SpeculateIfStableAsync(long now, CancellationToken cancellationToken)
    {
        if (AgentSpeaking || _speechLost || !_speculation.ShouldStart(now, callerSilent: !_lastFrameVoiced)) return;
        var words = _speculation.Speculated!;
        LogSpeculationAsked(_logger, _callId, words.Length);
        await PostToEngineAsync(new SpeculativeUtterance(words) { ReceivedAt = now }, cancellationToken);
        PrepareTts(); // after the model was asked, as for a confirmed turn
    }

    private async ValueTask FlushUtteranceAsync(long finalAt, CancellationToken cancellationToken)
    {
        var utterance = _utterance.Take();
        var speculated = _speculation.TurnEnded(); // the engine adopts it if the utterance has the same words, else discards it
        // The artefact rule asks when the caller *started* talking relative to the agent stopping: our VAD's
        // onset when it heard this utterance, else the final's arrival less the speech it covers.
        var playedAt = _tracker.ReplyPlayedAt;
        var startedAt = _lastSpeechStartedAt > playedAt ? _lastSpeechStartedAt
            : finalAt - (long)(utterance.Duration.TotalSeconds * _clock.TimestampFrequency);
        TimeSpan? sinceAgentStopped = !ReplyAudible && playedAt != 0 ? _clock.GetElapsedTime(playedAt, startedAt) : null;
        // Caller speech end: the end of the last frame our detector heard as speech in this utterance (the
        // detector's own end event comes a hang-over later, often after the transcript).
        var speechEndedAt = _lastVoicedFrameAt > _lastFlushAt ? _lastVoicedFrameAt : 0;
        _lastFlushAt = finalAt;
        // Echo bleed: STT heard words that overlapped the agent's audio, yet our echo-guarded detector never
        // heard the caller start. A caller who talks over the agent trips the detector (that is barge-in).
        var overlapped = ReplyAudible || (playedAt != 0 && startedAt < playedAt);
        var callerHeard = _callerSpeech.Flush();
        var echoBleed = overlapped && !callerHeard;

        var verdict = TranscriptFilter.Judge(utterance.Text, utterance.Confidence, sinceAgentStopped, _options, echoBleed);
        if (verdict != TranscriptVerdict.Accept)
        {
            if (speculated is not null) await PostToEngineAsync(new SpeculationWithdrawn { ReceivedAt = finalAt }, cancellationToken);
            if (verdict != TranscriptVerdict.Empty) LogTranscriptDropped(_logger, _callId, verdict, utterance.Confidence, utterance.Text.Length);
            return;
        }

        var timeline = new AudioTurnTimeline(_clock, _callId, replyId: -1);
        if (speechEndedAt != 0) timeline.Hops.Mark(TurnHop.SpeechEnded, speechEndedAt);
        timeline.Hops.Mark(TurnHop.TranscriptFinal, finalAt);
        _pendingTimeline = timeline;
        timeline.UtterancePostedAt = _clock.GetTimestamp();
        await PostToEngineAsync(new UserSaid(utterance.Text, IsFinal: true, utterance.Confidence) { ReceivedAt = finalAt, SpeechEndedAt = speechEndedAt }, cancellationToken);
        // After the engine has the utterance, not before: the socket's connect starts on this thread (a few hundred µs
        // quiet, much more under load) and must not delay the model request; it opens while the model thinks, and the
        // reply's first token comes through this loop, after this.
        PrepareTts();
    }

    // ───────────── outbound: engine → the reply's voice → playout ─────────────

    private async ValueTask SpeakAsync(SpeakToken speak, long sentAt, CancellationToken cancellationToken)
    {
        if (speak.ReplyId <= _cancelledUpTo && speak.ReplyId != 0) return; // tokens of a reply the caller talked over, or whose voice failed
        var reply = _active;
        if (reply is null || reply.Id != speak.ReplyId)
        {
            if (speak.Token.Length == 0 && speak.Last) return; // closing frame of a reply we never voiced
            if (reply is not null || (ReplyAudible && speak.ReplyId != 0))
                await StopSpeakingAsync(cancellationToken); // a newer reply replaces what is playing (keypad tones still sounding are not replaced)
            reply = StartReply(speak.ReplyId, sentAt);
        }
        if (speak.Token.Length > 0)
        {
            var now = _clock.GetTimestamp();
            if (reply.Timeline.FirstTextToTtsAt == 0) reply.Timeline.FirstTextToTtsAt = now;
            if (reply.Timeline.Hops[TurnHop.FirstTtsAudio] == 0) reply.Timeline.LastTextBeforeAudioAt = now;
        }
        reply.Voice.Say(speak.Token, speak.Last);
    }

    private ReplyInProgress StartReply(int replyId, long firstTokenAt)
    {
        var voice = NewVoice(replyId);
        var timeline = _pendingTimeline ?? new AudioTurnTimeline(_clock, _callId, replyId);
        _pendingTimeline = null;
        timeline.Hops.Mark(TurnHop.FirstModelDelta, firstTokenAt);
        timeline.Voice = voice;
        _tracker.BeginReply();
        _lastTimeline = timeline;
        _active = new ReplyInProgress(voice, timeline, new AudioFrameAssembler(_format.FrameBytes, _format.SilenceByte));
        return _active;
    }

    /// <summary>A reply's voice, on the socket opened ahead when there is a usable one.</summary>
    private ReplyVoice NewVoice(int replyId)
    {
        var prepared = _preparedTts;
        _preparedTts = null;
        if (prepared is not null && (_voiceFailures > 0 || _clock.GetElapsedTime(_preparedTtsAt) >= PreparedTtsMaxAge))
        {
            Track(DisposeWhenOpenAsync(prepared)); // after a failure the next open is bounded afresh; an old one may have been closed idle
            prepared = null;
        }
        // After one failure, the next open (the apology) gets the fallback budget: a clean hand-off beats a long wait.
        var budget = _voiceFailures > 0 ? _options.FallbackSpeechBudget : _options.SpeechOpenBudget;
        var voice = new ReplyVoice(replyId, _tts, _ttsOptions, prepared, budget, _clock, PostVoiceAsync, _playout.WaitForRoomAsync);
        Track(voice.Completion);
        return voice;
    }

    // ───────────── speculative replies: synthesised while held, played once the engine releases them ─────────────

    private async ValueTask OnReplyHoldAsync(ReplyHold hold, CancellationToken cancellationToken)
    {
        switch (hold.Step)
        {
            case ReplyHoldStep.Hold:
                if (_held is { } stale) stale.Reply.Voice.Cancel(); // the engine dropped it first; nothing of it played
                _held = null;
                _heldId = hold.ReplyId;
                break;
            case ReplyHoldStep.Drop when hold.ReplyId == _heldId:
                _heldId = null;
                _held?.Reply.Voice.Cancel(); // its synthesis stops; none of its audio was queued for the caller
                _held = null;
                break;
            case ReplyHoldStep.Release when hold.ReplyId == _heldId:
                _heldId = null;
                if (_held is { } held)
                {
                    _held = null;
                    await ReleaseAsync(held, cancellationToken);
                }
                break; // no token yet: the reply starts like any other when its first token comes
        }
    }

    /// <summary>A token of the held reply: its synthesis starts (on the socket opened ahead) but nothing is played.</summary>
    private void HoldToken(SpeakToken speak, long sentAt)
    {
        if (_held is null)
        {
            if (speak.Token.Length == 0 && speak.Last) return;
            _held = new HeldReply(new ReplyInProgress(NewVoice(speak.ReplyId), new AudioTurnTimeline(_clock, _callId, speak.ReplyId),
                new AudioFrameAssembler(_format.FrameBytes, _format.SilenceByte)));
            _held.Reply.Timeline.Hops.Mark(TurnHop.FirstModelDelta, sentAt);
        }
        _held.Reply.Voice.Say(speak.Token, speak.Last);
    }

    /// <summary>
    /// The turn was confirmed with the held reply's words: it becomes the reply being voiced, on the confirmed turn's
    /// timeline, and what its voice reported meanwhile is handled now, in order (its audio goes to playout at once).
    /// </summary>
    private async ValueTask ReleaseAsync(HeldReply held, CancellationToken cancellationToken)
    {
        if (_active is not null || AgentSpeaking) await StopSpeakingAsync(cancellationToken); // as any newer reply does
        var timeline = _pendingTimeline ?? new AudioTurnTimeline(_clock, _callId, held.Reply.Id);
        _pendingTimeline = null;
        // Text and audio that waited for the confirmation are ours to pass on from now: the share counts from here.
        var now = _clock.GetTimestamp();
        timeline.Hops.Mark(TurnHop.FirstModelDelta, now);
        timeline.FirstTextToTtsAt = now;
        timeline.LastTextBeforeAudioAt = now;
        timeline.Voice = held.Reply.Voice;
        _tracker.BeginReply();
        _lastTimeline = timeline;
        _active = new ReplyInProgress(held.Reply.Voice, timeline, held.Reply.Assembler);
        foreach (var report in held.Reports)
        {
            if (_active is null || !ReferenceEquals(_active.Voice, held.Reply.Voice)) break; // ended or failed on a report
            await OnVoiceAsync(report, cancellationToken);
        }
    }

    /// <summary>
    /// Opens the next reply's TTS socket ahead (at call set-up, on a speculation, at the end of the caller's turn), so
    /// no reply waits for the connect. A socket already opened ahead is kept while young enough to be used.
    /// </summary>
    private void PrepareTts()
    {
        if (_voiceFailures > 0) return; // the next reply opens its own, bounded
        // One that failed to open stays too: it is the next reply's one try (a refusal seconds ago is not retried per turn).
        if (_preparedTts is not null && _clock.GetElapsedTime(_preparedTtsAt) < PreparedTtsMaxAge) return;
        RetirePreparedTts();
        _preparedTtsAt = _clock.GetTimestamp();
        _preparedTts = _tts.OpenAsync(_ttsOptions, _life.Token).AsTask();
    }

    private void RetirePreparedTts()
    {
        if (_preparedTts is { } stale) Track(DisposeWhenOpenAsync(stale));
        _preparedTts = null;
    }

    /// <summary>Closes a spare TTS socket once it has opened; one that failed to open is logged (no reply needed it).</summary>
    private async Task DisposeWhenOpenAsync(Task<ITextToSpeechStream> pending)
    {
        ITextToSpeechStream stream;
        try
        {
            stream = await pending;
        }
        catch (Exception ex)
        {
            LogSpareTtsFailed(_logger, _callId, ex.GetType().Name);
            return;
        }
        await stream.DisposeAsync();
    }

    /// <summary>Cuts what is playing: the reply's synthesis stops, queued audio is dropped here and at the carrier.</summary>
    private async ValueTask StopSpeakingAsync(CancellationToken cancellationToken)
    {
        if (_active is { } cut)
        {
            _cancelledUpTo = Math.Max(_cancelledUpTo, cut.Id);
            cut.Voice.Cancel();
            _active = null;
        }
        _playout.Clear();
        _tracker.Cleared();
        _farEnd.Cleared(_clock.GetTimestamp()); // the carrier drops what it had not played yet
        _lastTimeline = null;
        await _carrier.ClearAsync(cancellationToken);
    }

    /// <summary>A voice's report into the mailbox; a chunk of audio counts against the playout bound until the loop handles it.</summary>
    private async ValueTask PostVoiceAsync(VoiceReport report, CancellationToken cancellationToken)
    {
        // Counted after the post: a report that never reached the mailbox (the channel closed, or the post cancelled by
        // a barge-in or a dropped TTS socket, which throws) holds nothing back. Counting before the post left a cancelled
        // chunk counted for good, and the playout then had no room for any later reply.
        if (await TryPostAsync(new VoiceInput(report), cancellationToken) && report is VoiceAudio) _playout.ChunkPosted();
    }

    private async ValueTask OnVoiceAsync(VoiceReport report, CancellationToken cancellationToken)
    {
        if (report is VoiceAudio) _playout.ChunkHandled();
        if (_held is { } held && ReferenceEquals(held.Reply.Voice, report.Voice))
        {
            held.Reports.Add(report); // handled when the turn is confirmed; dropped with it otherwise
            return;
        }
        if (_active is not { } reply || !ReferenceEquals(reply.Voice, report.Voice)) return; // a voice already cut
        switch (report)
        {
            case VoiceAudio audio:
                reply.Timeline.Hops.Mark(TurnHop.FirstTtsAudio);
                QueueChunk(reply, audio.Chunk);
                break;
            case VoiceFinished finished:
                if (finished.Failure is { } late) LogTtsFailed(_logger, _callId, reply.Id, late.GetType().Name, late.Message);
                QueueEnd(reply);
                break;
            case VoiceReopened reopened:
                LogTtsFailed(_logger, _callId, reply.Id, reopened.Drop.GetType().Name, reopened.Drop.Message);
                LogTtsReopened(_logger, _callId, reply.Id, reopened.ResentChars);
                break;
            case VoiceSendFailed failed:
                LogTtsSendFailed(_logger, _callId, reply.Id, failed.Failure.GetType().Name);
                break;
            case VoiceOpenFailed failed:
                // Fail once: this reply's remaining tokens are dropped (no re-open per token), and the engine is told.
                LogTtsFailed(_logger, _callId, reply.Id, failed.Failure.GetType().Name, failed.Failure.Message);
                _cancelledUpTo = Math.Max(_cancelledUpTo, reply.Id);
                _active = null;
                _lastTimeline = null;
                if (++_voiceFailures == 1) await SpeechLostAsync("speech synthesis failed: " + failed.Failure.GetType().Name, cancellationToken);
                break;
            case VoiceLost lost:
                // Synthesis dropped and could not be re-opened: close what was voiced and tell the engine the voice is gone.
                LogTtsFailed(_logger, _callId, reply.Id, lost.ReopenFailure.GetType().Name, lost.ReopenFailure.Message);
                QueueEnd(reply);
                _voiceFailures++;
                await SpeechLostAsync($"speech synthesis failed mid-reply: {lost.Drop.GetType().Name}", cancellationToken);
                break;
        }
    }

    /// <summary>Cuts synthesised audio into frames for playout, followed by a mark that tells when it has played.</summary>
    private void QueueChunk(ReplyInProgress reply, SpeechAudioChunk chunk)
    {
        var span = chunk.Audio.Span;
        if (reply.Timeline.FirstFrameQueuedAt == 0) reply.Timeline.FirstFrameQueuedAt = _clock.GetTimestamp();
        while (reply.Assembler.TryTakeFrame(ref span, out var frame)) _playout.EnqueueFrame(frame.ToArray(), reply.Id);
        var mark = $"g{_playout.Generation}r{reply.Id}s{reply.NextMarkSequence++}";
        _tracker.Queued(mark, chunk.AlignedText, chunk.CharStartMs, endOfReply: false);
        _playout.EnqueueMark(mark, reply.Id);
    }

    private void QueueEnd(ReplyInProgress reply)
    {
        if (reply.Assembler.TryFlush(out var last)) _playout.EnqueueFrame(last.ToArray(), reply.Id);
        var mark = $"g{_playout.Generation}r{reply.Id}end";
        _tracker.Queued(mark, "", [], endOfReply: true);
        _playout.EnqueueMark(mark, reply.Id);
        _active = null;
    }

    /// <summary>Playout put a frame on the carrier's socket: the far-end timeline learns what was played, and when (the echo guard and canceller read it back per inbound frame).</summary>
    private void OnFrameSent(PlayoutItem item, long sentAt)
    {
        if (item.IsTone) _pendingToneFrames--;
        _format.Decode(item.Frame, _playedPcm);
        _farEnd.Sent(_playedPcm, sentAt);
        if (item.IsTone || item.ReplyId == _lastSentReplyId) return;
        _lastSentReplyId = item.ReplyId;
        // Stamped when the write completed (not when this report reached the loop): what the caller's clock would see.
        if (_lastTimeline is not { } timeline || !timeline.Hops.Mark(TurnHop.FirstMediaSent, sentAt)) return;
        _metrics.RecordAudioTurn(timeline.SpeechEndToFirstAudioMs, timeline.ServerShareMs, _transportName);
        PlaybackObserver?.FirstAudioSent(item.ReplyId, timeline.Hops);
        LogFirstAudio(_logger, _callId, item.ReplyId, LogValues.Ms(timeline.SpeechEndToFirstAudioMs), LogValues.Ms(timeline.ServerShareMs),
            LogValues.Ms(timeline.Ms(timeline.Hops[TurnHop.SpeechEnded], timeline.Hops[TurnHop.TranscriptFinal])),
            LogValues.Ms(timeline.Ms(timeline.UtterancePostedAt, timeline.Hops[TurnHop.FirstModelDelta])),
            LogValues.Ms(timeline.Ms(timeline.LastTextBeforeAudioAt, timeline.Hops[TurnHop.FirstTtsAudio])), _transportName);
        if (_logger.IsEnabled(LogLevel.Debug)) LogFirstAudioHops(timeline, item.ReplyId, sentAt);
    }

    /// <summary>The reply path's hops to the first frame, one by one (Debug): where the server's share goes.</summary>
    private void LogFirstAudioHops(AudioTurnTimeline timeline, int replyId, long sentAt)
    {
        var hops = timeline.Hops;
        var voice = timeline.Voice;
        var textSent = voice?.FirstTextSentAt ?? 0;
        var audioRead = voice?.FirstAudioReadAt ?? 0;
        LogAudioHops(_logger, _callId, replyId,
            LogValues.Ms(timeline.Ms(hops[TurnHop.TranscriptFinal], timeline.UtterancePostedAt)),
            LogValues.Ms(timeline.Ms(timeline.UtterancePostedAt, hops[TurnHop.FirstModelDelta])),
            LogValues.Ms(timeline.Ms(hops[TurnHop.FirstModelDelta], timeline.FirstTextToTtsAt)),
            LogValues.Ms(timeline.Ms(timeline.FirstTextToTtsAt, textSent)),
            LogValues.Ms(timeline.Ms(textSent, audioRead)),
            LogValues.Ms(timeline.Ms(audioRead, hops[TurnHop.FirstTtsAudio])),
            LogValues.Ms(timeline.Ms(hops[TurnHop.FirstTtsAudio], timeline.FirstFrameQueuedAt)),
            LogValues.Ms(timeline.Ms(timeline.FirstFrameQueuedAt, sentAt)));
    }

    // ───────────── keypad tones ─────────────

    /// <summary>Renders keypad tones into the outbound audio, after whatever is already queued.</summary>
    private void QueueTones(string digits)
    {
        var pcm = DtmfTones.Render(digits, _format.SampleRate);
        var samples = _format.SamplesPerFrame;
        var frames = (pcm.Length + samples - 1) / samples;
        _pendingToneFrames += frames;
        var whole = new short[samples];
        for (var i = 0; i < frames; i++)
        {
            var frame = new byte[_format.FrameBytes];
            var slice = pcm.AsSpan(i * samples, Math.Min(samples, pcm.Length - i * samples));
            Array.Clear(whole);
            slice.CopyTo(whole);
            _format.Encode(whole, frame);
            _playout.EnqueueTone(frame);
        }
        LogTonesQueued(_logger, _callId, digits.Length, frames * 20);
    }

    public async ValueTask DisposeAsync()
    {
        await _life.CancelAsync();
        _mailbox.Writer.TryComplete();
        await _loop; // ends on the cancelled token; it catches its own failures
        // Every task ends on the cancelled token (they catch only that); one that does not is reported, not awaited forever.
        try
        {
            await Task.WhenAll([_playoutRun, .. _background]).WaitAsync(TimeSpan.FromSeconds(3), _clock);
        }
        catch (TimeoutException)
        {
            LogLoopsDidNotStop(_logger, _callId);
        }
        catch (Exception ex)
        {
            LogTaskFailed(_logger, _callId, ex); // the call's edge: the call is over either way
        }
        if (_sttSession is not null) await _sttSession.DisposeAsync();
        _sttStop?.Dispose();
        _life.Dispose();
    }
}
