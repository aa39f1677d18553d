using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Observability;
using VoiceAgent.Speech.Audio;
using VoiceAgent.Speech.Echo;
using VoiceAgent.Speech.Vad;

namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// Our own ConversationRelay: turns a carrier's raw audio into the same conversation events the text-level path
/// feeds the engine (VAD + streaming STT → <see cref="UserSaid"/>, <see cref="UserInterrupted"/>), and turns the
/// engine's streamed tokens into audio (streaming TTS → 20 ms frames paced in real time, with marks that tell what
/// was actually heard). To the engine it is just another <see cref="ICallTransport"/>.
/// </summary>
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
    private readonly VoiceActivityDetector _vad;
    private readonly EchoCanceller _echo;
    private readonly PlayedFrameQueue _playedFrames;
    private readonly byte[] _cancelledFrame;
    private readonly short[] _inboundPcm;
    private readonly short[] _playedPcm;
    private readonly PlaybackTracker _tracker;
    private readonly Channel<PlayoutItem> _playout = Channel.CreateUnbounded<PlayoutItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _life = new();
    private readonly object _gate = new();
    private readonly UtteranceAssembler _utterance = new();
    private readonly BargeInDecision _bargeIn;
    private readonly ICallLocales _locales;

    private Func<ConversationEvent, CancellationToken, ValueTask> _post = (_, _) => ValueTask.CompletedTask;
    private ISpeechToTextSession? _sttSession;
    private CancellationTokenSource? _sttLoopStop;
    private Task _sttLoop = Task.CompletedTask;
    private Task _confirmation = Task.CompletedTask;
    private CallLocale? _locale;
    private int _speechLost; // 1 once the engine was told speech recognition or synthesis is gone
    private int _voiceFailures; // TTS opens that failed on this call; after one, the next open is bounded
    private int _pendingToneFrames;
    private Task _playoutLoop = Task.CompletedTask;
    private TextToSpeechStreamOptions _ttsOptions = new("", "");
    private Task<ITextToSpeechStream>? _preparedTts;
    private AudioTurnTimeline? _pendingTimeline;
    private ActiveReply? _active;
    private int _cancelledUpTo = -1;
    private volatile int _generation;
    private string _callId = "pending";
    private long _lastSpeechEndedAt;
    private long _lastSpeechStartedAt;
    private long _lastVoicedFrameAt;
    private long _lastFlushAt;
    private readonly CallerSpeechLedger _callerSpeech = new();

    public SpeechPipeline(IAudioTransport carrier, ISpeechToText stt, ITextToSpeech tts, SpeechPipelineOptions options, ICallLocales locales,
        TimeProvider clock, VoiceAgentMetrics metrics, ILogger logger, string transportName)
    {
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
        _playedFrames = new PlayedFrameQueue(_format.SamplesPerFrame);
        _cancelledFrame = new byte[_format.FrameBytes];
        _inboundPcm = new short[_format.SamplesPerFrame];
        _playedPcm = new short[_format.SamplesPerFrame];
        _tracker = new PlaybackTracker(clock);
    }

    private long FrameTicks => _clock.TimestampFrequency / 50;

    /// <summary>True while a reply is being synthesised or its audio (or keypad tones) has not finished playing.</summary>
    public bool AgentSpeaking
    {
        get { lock (_gate) return _active is not null || _tracker.HasUnplayedAudio || _pendingToneFrames > 0; }
    }

    /// <summary>Keypad tones and a mid-call language switch are carried out here; hold music (a URL to stream) is not, so it is never offered.</summary>
    public CallCapabilities Capabilities => CallCapabilities.SendDigits | CallCapabilities.SwitchLanguage | CallCapabilities.SpeakingRate;

    /// <summary>Where events for the engine go (the call's mailbox).</summary>
    public void Attach(Func<ConversationEvent, CancellationToken, ValueTask> post) => _post = post;

    /// <summary>Connects STT, starts playout, tells the engine the call started and speaks the greeting.</summary>
    public async Task StartAsync(CallInfo call, CallLocale locale, string? greeting, CancellationToken cancellationToken)
    {
        _callId = call.CallSid;
        _locale = locale;
        _ttsOptions = TtsOptionsFor(locale);
        await StartSttAsync(locale, cancellationToken);
        _playoutLoop = RunPlayoutAsync(_life.Token);
        LogStarted(_logger, _callId, locale.Name, _format.Name);
        await _post(new CallStarted(call with { Language = locale.SttLanguage }) { ReceivedAt = _clock.GetTimestamp() }, cancellationToken);
        if (!string.IsNullOrWhiteSpace(greeting)) await SendAsync(new SpeakToken(greeting, Last: true, ReplyId: 0), cancellationToken);
    }

    private TextToSpeechStreamOptions TtsOptionsFor(CallLocale locale) => new(locale.TtsVoiceId, _format.TtsOutputFormat, locale.TtsLanguageCode);

    /// <summary>Opens an STT session for <paramref name="locale"/> and starts reading it; the previous session, if any, is closed after.</summary>
    private async Task StartSttAsync(CallLocale locale, CancellationToken cancellationToken)
    {
        var session = await _stt.ConnectAsync(new SpeechToTextSessionOptions(locale.SttModel, locale.SttLanguage, _format.SttEncoding, _format.SampleRate), cancellationToken);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_life.Token);
        var (oldSession, oldStop, oldLoop) = (_sttSession, _sttLoopStop, _sttLoop);
        Volatile.Write(ref _sttSession, session);
        _sttLoopStop = stop;
        _sttLoop = RunSttLoopAsync(session, stop.Token);
        if (oldStop is null) return;
        await oldStop.CancelAsync();
        await oldLoop;
        await oldSession!.DisposeAsync();
        oldStop.Dispose();
    }

    // ───────────── inbound: carrier → VAD/STT → engine ─────────────

    /// <summary>One frame of caller audio, in the carrier's format.</summary>
    public async ValueTask OnAudioAsync(ReadOnlyMemory<byte> frame, long receivedAt, CancellationToken cancellationToken)
    {
        if (frame.Length != _format.FrameBytes)
        {
            // Odd sizes still reach STT as they are; cancellation and VAD run on whole frames.
            if (Volatile.Read(ref _sttSession) is { } raw) await raw.SendAudioAsync(frame, cancellationToken);
            return;
        }
        VadEvent vad;
        bool echoPathChanged, voiced, cancelled;
        lock (_gate)
        {
            _format.Decode(frame.Span, _inboundPcm);
            // Echo cancellation before VAD and STT, referenced to what we played in playout order (one frame per frame).
            var played = _playedFrames.Take();
            if (_options.EchoCancellation) _echo.Process(played, _inboundPcm);
            cancelled = _echo.Cancelling;
            echoPathChanged = _echo.SinceNewPath == 0;
            vad = _vad.Process(_inboundPcm);
            voiced = _vad.IsSpeaking && _vad.SpeechProbability >= 0.5f;
            if (voiced) _lastVoicedFrameAt = receivedAt + FrameTicks;
            _callerSpeech.Frame(voiced);
            if (cancelled) _format.Encode(_inboundPcm, _cancelledFrame);
        }
        if (Volatile.Read(ref _sttSession) is { } stt) await stt.SendAudioAsync(cancelled ? _cancelledFrame : frame, cancellationToken);
        if (echoPathChanged)
        {
            LogEchoPath(_logger, _callId, _echo.DelayMs ?? -1);
            lock (_gate) _bargeIn.EchoPathChanged(receivedAt);
        }
        switch (vad.Kind)
        {
            case VadEventKind.SpeechStarted:
                LogSpeech(_logger, _callId, "started", AgentSpeaking);
                lock (_gate)
                {
                    _callerSpeech.SpeechStarted();
                    // The detector confirms speech some frames after it began; date it from the audio itself.
                    _lastSpeechStartedAt = receivedAt - (long)((vad.DetectedAt - vad.Timestamp).TotalSeconds * _clock.TimestampFrequency);
                    _bargeIn.SpeechStarted(_lastSpeechStartedAt);
                }
                break;
            case VadEventKind.SpeechEnded:
                bool confirm;
                lock (_gate)
                {
                    _lastSpeechEndedAt = receivedAt;
                    confirm = _bargeIn.SpeechEnded();
                }
                LogSpeech(_logger, _callId, "ended", AgentSpeaking);
                if (confirm) _confirmation = ConfirmBargeInAsync(_life.Token);
                break;
        }

        // Barge-in: caller speech during playback that has lasted long enough to be more than a blip.
        bool bargeIn;
        lock (_gate) bargeIn = _bargeIn.Frame(receivedAt, voiced, _active is not null || _tracker.HasUnplayedAudio);
        if (bargeIn) await BargeInAsync(receivedAt, cancellationToken);
    }

    /// <summary>The carrier echoed a mark: the audio before it has played.</summary>
    public ValueTask OnMarkAsync(string name)
    {
        AudioTurnTimeline? finished = null;
        lock (_gate)
        {
            if (_tracker.MarkPlayed(name) && _lastTimeline is { } timeline)
            {
                timeline.Hops.Mark(TurnHop.PlaybackCompleted);
                finished = timeline;
                _lastTimeline = null;
            }
        }
        if (finished is not null) LogPlayed(_logger, _callId, finished.Hops.TurnId, LogValues.Ms(finished.Ms(finished.Hops[TurnHop.FirstMediaSent], finished.Hops[TurnHop.PlaybackCompleted])));
        return ValueTask.CompletedTask;
    }

    public ValueTask OnDigitAsync(string digit, long receivedAt, CancellationToken cancellationToken)
        => _post(new DigitPressed(digit) { ReceivedAt = receivedAt }, cancellationToken);

    /// <summary>Caller speech over the agent: stop the audio at once and tell the engine what was heard.</summary>
    private async ValueTask BargeInAsync(long at, CancellationToken cancellationToken)
    {
        string heard;
        ActiveReply? cut;
        lock (_gate)
        {
            heard = _tracker.HeardText();
            cut = _active;
            _active = null;
            if (cut is not null) _cancelledUpTo = Math.Max(_cancelledUpTo, cut.Id);
            _generation++;
            _tracker.Cleared();
            _vad.ClearPlayback();
            _playedFrames.Clear(); // the carrier drops what it had not played yet
            _lastTimeline = null;
        }
        await _carrier.ClearAsync(cancellationToken);
        if (cut is not null) await cut.CancelAsync();
        LogBargeIn(_logger, _callId, heard.Length);
        await _post(new UserInterrupted(heard, null) { ReceivedAt = at }, cancellationToken);
    }

    /// <summary>After barge-in speech ended: if STT produced no words in time, it was a cough, not a turn.</summary>
    private async Task ConfirmBargeInAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(_options.BargeInConfirmation, _clock, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (cancellationToken.IsCancellationRequested) return; // the call ended first
        bool falseInterruption;
        lock (_gate) falseInterruption = _bargeIn.ConfirmationElapsed(_vad.IsSpeaking);
        if (!falseInterruption) return;
        LogFalseInterruption(_logger, _callId);
        await _post(new FalseInterruption { ReceivedAt = _clock.GetTimestamp() }, cancellationToken);
    }

    /// <summary>
    /// Reads one STT session until it is replaced or the call ends. A fatal error, a failure of the read itself or the
    /// session ending on its own leaves the call deaf: the engine is told, and it apologises and hands the call off.
    /// </summary>
    private async Task RunSttLoopAsync(ISpeechToTextSession session, CancellationToken cancellationToken)
    {
        string? lost = null;
        try
        {
            await foreach (var e in session.ReadEventsAsync(cancellationToken))
            {
                switch (e)
                {
                    case TranscriptReceived t:
                        await OnTranscriptAsync(t, cancellationToken);
                        break;
                    case UtteranceEnded u:
                        await FlushUtteranceAsync(u.ReceivedAt, cancellationToken);
                        break;
                    case SpeechReconnected r:
                        LogSttReconnected(_logger, _callId, r.Reason);
                        break;
                    case SpeechError err:
                        LogSttError(_logger, _callId, err.Message, err.Fatal);
                        if (err.Fatal) lost = "speech recognition failed: " + err.Message;
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
        if (lost is not null) await SpeechLostAsync(lost);
    }

    /// <summary>Speech recognition or synthesis is gone for good: tell the engine once, so it apologises and hands off.</summary>
    private async ValueTask SpeechLostAsync(string reason)
    {
        if (Interlocked.Exchange(ref _speechLost, 1) != 0) return;
        LogSpeechLost(_logger, _callId, reason);
        await _post(new SpeechUnavailable(reason) { ReceivedAt = _clock.GetTimestamp() }, _life.Token);
    }

    private async ValueTask OnTranscriptAsync(TranscriptReceived t, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Words confirm a barge-in, unless they are the agent's own words coming back (echo): then it stays
            // unconfirmed and ends as a false interruption, and the agent resumes.
            if (!string.IsNullOrWhiteSpace(t.Text) && !(_bargeIn.Pending && EchoWords.AreAgentsOwn(t.Text, _tracker.ReplyText()))) _bargeIn.Words();
            if (t.IsFinal) _utterance.AddFinal(t.Text, t.Confidence, t.Duration);
        }
        if (t.SpeechFinal) await FlushUtteranceAsync(t.ReceivedAt, cancellationToken);
    }

    private async ValueTask FlushUtteranceAsync(long finalAt, CancellationToken cancellationToken)
    {
        string text;
        double confidence;
        TimeSpan? sinceAgentStopped;
        long speechEndedAt;
        bool echoBleed;
        lock (_gate)
        {
            var utterance = _utterance.Take();
            text = utterance.Text;
            confidence = utterance.Confidence;
            // The artefact rule asks when the caller *started* talking relative to the agent stopping: our VAD's
            // onset when it heard this utterance, else the final's arrival less the speech it covers.
            var playedAt = _tracker.ReplyPlayedAt;
            var startedAt = _lastSpeechStartedAt > playedAt ? _lastSpeechStartedAt
                : finalAt - (long)(utterance.Duration.TotalSeconds * _clock.TimestampFrequency);
            sinceAgentStopped = _active is null && !_tracker.HasUnplayedAudio && playedAt != 0 ? _clock.GetElapsedTime(playedAt, startedAt) : null;
            // Caller speech end: the end of the last frame our detector heard as speech in this utterance (the
            // detector's own end event comes a hang-over later, often after the transcript).
            speechEndedAt = _lastVoicedFrameAt > _lastFlushAt ? _lastVoicedFrameAt : 0;
            _lastFlushAt = finalAt;
            // Echo bleed: STT heard words that overlapped the agent's audio, yet our echo-guarded detector never
            // heard the caller start. A caller who talks over the agent trips the detector (that is barge-in).
            var agentSpeakingNow = _active is not null || _tracker.HasUnplayedAudio;
            var overlapped = agentSpeakingNow || (playedAt != 0 && startedAt < playedAt);
            var callerHeard = _callerSpeech.Flush();
            echoBleed = overlapped && !callerHeard;
        }
        var verdict = TranscriptFilter.Judge(text, confidence, sinceAgentStopped, _options, echoBleed);
        if (verdict != TranscriptVerdict.Accept)
        {
            if (verdict != TranscriptVerdict.Empty) LogTranscriptDropped(_logger, _callId, verdict, confidence, text.Length);
            return;
        }

        var timeline = new AudioTurnTimeline(_clock, _callId, replyId: -1);
        if (speechEndedAt != 0) timeline.Hops.Mark(TurnHop.SpeechEnded, speechEndedAt);
        timeline.Hops.Mark(TurnHop.TranscriptFinal, finalAt);
        PrepareTts();
        lock (_gate) _pendingTimeline = timeline;
        timeline.UtterancePostedAt = _clock.GetTimestamp();
        await _post(new UserSaid(text, IsFinal: true, confidence) { ReceivedAt = finalAt, SpeechEndedAt = speechEndedAt }, cancellationToken);
    }

    // ───────────── outbound: engine → TTS → paced frames ─────────────

    public async ValueTask SendAsync(TransportCommand command, CancellationToken cancellationToken)
    {
        switch (command)
        {
            case SpeakToken speak:
                await SpeakAsync(speak, cancellationToken);
                break;
            case EndCall end:
                LogEndCall(_logger, _callId, end.HandoffData is not null);
                await WaitForPlaybackAsync(cancellationToken);
                await _carrier.HangUpAsync(end.HandoffData, cancellationToken);
                break;
            case SendDigits digits:
                QueueTones(digits.Digits);
                break;
            case SwitchLanguage language:
                await SwitchLanguageAsync(language.TranscriptionLanguage ?? language.TtsLanguage, cancellationToken);
                break;
            case ChangePacing { Pace: { } pace }:
                // Replies from the next one on are voiced at the new speed; a socket opened ahead at the old speed is dropped.
                _ttsOptions = _ttsOptions with { SpeedFactor = Conversation.Pacing.PacingChange.SpeedFactor(pace) };
                if (Interlocked.Exchange(ref _preparedTts, null) is { } stale) _spareClosing = DisposeWhenOpenAsync(stale);
                break;
            default:
                LogUnsupported(_logger, _callId, command.GetType().Name, _transportName);
                throw new CommandRejectedException($"{command.GetType().Name} is not supported on {_transportName}");
        }
    }

    private async ValueTask SpeakAsync(SpeakToken speak, CancellationToken cancellationToken)
    {
        ActiveReply? reply;
        ActiveReply? superseded = null;
        var now = _clock.GetTimestamp();
        lock (_gate)
        {
            if (speak.ReplyId <= _cancelledUpTo && speak.ReplyId != 0) return; // tokens of a reply the caller talked over
            reply = _active;
            if (reply is null || reply.Id != speak.ReplyId)
            {
                if (speak.Token.Length == 0 && speak.Last) return; // closing frame of a reply we never voiced
                superseded = reply;
                reply = null;
            }
        }
        if (superseded is not null || (reply is null && AgentSpeaking && speak.ReplyId != 0))
            await StopPlaybackAsync(superseded, cancellationToken); // a newer reply replaces what is playing
        if (reply is null)
        {
            reply = await StartReplyAsync(speak.ReplyId, now, cancellationToken);
            if (reply is null) return;
        }
        await reply.SendTextAsync(speak.Token, speak.Last, cancellationToken);
    }

    private async Task<ActiveReply?> StartReplyAsync(int replyId, long firstTokenAt, CancellationToken cancellationToken)
    {
        var prepared = Interlocked.Exchange(ref _preparedTts, null);
        ITextToSpeechStream stream;
        // After one failure, the next open (the apology) gets a bounded budget: a clean hand-off beats a long wait.
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (Volatile.Read(ref _voiceFailures) > 0) budget.CancelAfter(_options.FallbackSpeechBudget);
        try
        {
            stream = prepared is not null && Volatile.Read(ref _voiceFailures) == 0 ? await prepared.WaitAsync(budget.Token) : await _tts.OpenAsync(_ttsOptions, budget.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Fail once: this reply's remaining tokens are dropped (no re-open per token), and the engine is told.
            LogTtsFailed(_logger, _callId, replyId, ex.GetType().Name, ex.Message);
            lock (_gate) _cancelledUpTo = Math.Max(_cancelledUpTo, replyId);
            if (prepared is not null) await DisposeWhenOpenAsync(prepared);
            if (Interlocked.Increment(ref _voiceFailures) == 1) await SpeechLostAsync("speech synthesis failed: " + ex.GetType().Name);
            return null;
        }
        AudioTurnTimeline timeline;
        lock (_gate)
        {
            timeline = _pendingTimeline ?? new AudioTurnTimeline(_clock, _callId, replyId);
            _pendingTimeline = null;
            timeline.Hops.Mark(TurnHop.FirstModelDelta, firstTokenAt);
            _tracker.BeginReply();
            _lastTimeline = timeline;
        }
        var reply = new ActiveReply(this, replyId, stream, timeline, _generation);
        lock (_gate) _active = reply;
        reply.Start(_life.Token);
        return reply;
    }

    /// <summary>Opens the next reply's TTS socket while the model is still thinking.</summary>
    private void PrepareTts()
    {
        if (Volatile.Read(ref _voiceFailures) > 0) return; // the next reply opens its own, bounded
        var next = _tts.OpenAsync(_ttsOptions, _life.Token).AsTask();
        var old = Interlocked.Exchange(ref _preparedTts, next);
        if (old is not null) _spareClosing = DisposeWhenOpenAsync(old);
    }

    private Task _spareClosing = Task.CompletedTask;

    /// <summary>Closes a spare TTS socket once it has opened; one that failed to open is logged (the reply that needed it reports its own failure).</summary>
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

    private async ValueTask StopPlaybackAsync(ActiveReply? reply, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (reply is not null) _cancelledUpTo = Math.Max(_cancelledUpTo, reply.Id);
            if (ReferenceEquals(_active, reply)) _active = null;
            _generation++;
            _tracker.Cleared();
            _vad.ClearPlayback();
            _playedFrames.Clear(); // the carrier drops what it had not played yet
            _lastTimeline = null;
        }
        await _carrier.ClearAsync(cancellationToken);
        if (reply is not null) await reply.CancelAsync();
    }

    /// <summary>Called by a reply's reader as synthesised audio arrives.</summary>
    private void EnqueueChunk(ActiveReply reply, SpeechAudioChunk chunk, AudioFrameAssembler assembler)
    {
        var span = chunk.Audio.Span;
        while (assembler.TryTakeFrame(ref span, out var frame))
            _playout.Writer.TryWrite(new PlayoutItem(reply.Generation, frame.ToArray(), null, reply.Id));
        var mark = $"g{reply.Generation}r{reply.Id}s{reply.NextMarkSequence++}";
        lock (_gate)
        {
            if (reply.Generation != _generation) return;
            _tracker.Queued(mark, chunk.AlignedText, chunk.CharStartMs, endOfReply: false);
        }
        _playout.Writer.TryWrite(new PlayoutItem(reply.Generation, null, mark, reply.Id));
    }

    private void EnqueueEnd(ActiveReply reply, AudioFrameAssembler assembler)
    {
        if (assembler.TryFlush(out var last))
            _playout.Writer.TryWrite(new PlayoutItem(reply.Generation, last.ToArray(), null, reply.Id));
        var mark = $"g{reply.Generation}r{reply.Id}end";
        lock (_gate)
        {
            if (reply.Generation != _generation) return;
            _tracker.Queued(mark, "", [], endOfReply: true);
            if (ReferenceEquals(_active, reply)) _active = null;
        }
        _playout.Writer.TryWrite(new PlayoutItem(reply.Generation, null, mark, reply.Id));
    }

    /// <summary>
    /// Sends frames at real-time pace: a frame goes out once the audio already sent is less than
    /// <see cref="SpeechPipelineOptions.PlayoutLead"/> ahead of the carrier's playhead, so <c>clear</c> has little to
    /// drop and marks track playback closely. Deadlines come from the clock, not from summed delays, so pacing does not
    /// drift; how late each wake-up was (our own scheduling delay) is recorded.
    /// </summary>
    private async Task RunPlayoutAsync(CancellationToken cancellationToken)
    {
        var frameTicks = _clock.TimestampFrequency / 50;
        var leadTicks = (long)(_options.PlayoutLead.TotalSeconds * _clock.TimestampFrequency);
        long playhead = 0; // when the carrier will have played everything sent so far
        var lastReply = int.MinValue;
        try
        {
            await foreach (var item in _playout.Reader.ReadAllAsync(cancellationToken))
            {
                var tone = item.ReplyId == ToneReplyId;
                if (tone) lock (_gate) _pendingToneFrames--;
                if (item.Generation != _generation && !tone) continue; // keypad tones are for the far end: a clear does not drop them
                if (item.Mark is not null)
                {
                    await _carrier.SendMarkAsync(item.Mark, cancellationToken);
                    continue;
                }
                var now = _clock.GetTimestamp();
                var sendAt = playhead - leadTicks;
                if (sendAt > now)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)(sendAt - now) / _clock.TimestampFrequency), _clock, cancellationToken);
                    now = _clock.GetTimestamp();
                    if (_metrics.PlayoutLatenessEnabled)
                        _metrics.RecordPlayoutLateness((double)(now - sendAt) / _clock.TimestampFrequency * 1000, _transportName);
                }
                if (item.Generation != _generation && !tone) continue;
                await _carrier.SendAudioAsync(item.Frame, cancellationToken);
                playhead = Math.Max(playhead, now) + frameTicks;
                lock (_gate)
                {
                    _format.Decode(item.Frame, _playedPcm);
                    _vad.ObservePlayback(_playedPcm);
                    _playedFrames.Add(_playedPcm);
                }
                if (item.ReplyId != lastReply && !tone)
                {
                    lastReply = item.ReplyId;
                    OnFirstFrameSent(item.ReplyId);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // the call ended: whatever is still queued will never play
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException)
        {
            LogPlayoutStopped(_logger, _callId, ex.GetType().Name); // the carrier's socket is gone; its receive loop ends the call
        }
    }

    // ───────────── call control on the audio path: keypad tones, language ─────────────

    /// <summary>Playout items with this reply id are keypad tones: never cut by a clear, never counted as a reply.</summary>
    private const int ToneReplyId = int.MinValue;

    /// <summary>Renders keypad tones into the outbound audio, after whatever is already queued.</summary>
    private void QueueTones(string digits)
    {
        if (!DtmfTones.IsValid(digits)) throw new CommandRejectedException($"'{digits}' holds a symbol that is not a keypad digit (0-9, *, #, A-D) or w");
        var pcm = DtmfTones.Render(digits, _format.SampleRate);
        var samples = _format.SamplesPerFrame;
        var frames = (pcm.Length + samples - 1) / samples;
        lock (_gate) _pendingToneFrames += frames;
        Span<short> whole = stackalloc short[samples];
        for (var i = 0; i < frames; i++)
        {
            var frame = new byte[_format.FrameBytes];
            var slice = pcm.AsSpan(i * samples, Math.Min(samples, pcm.Length - i * samples));
            whole.Clear();
            slice.CopyTo(whole);
            _format.Encode(whole, frame);
            _playout.Writer.TryWrite(new PlayoutItem(_generation, frame, null, ToneReplyId));
        }
        LogTonesQueued(_logger, _callId, digits.Length, frames * 20);
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
        await StartSttAsync(row, cancellationToken);
        _locale = row;
        _ttsOptions = TtsOptionsFor(row) with { SpeedFactor = _ttsOptions.SpeedFactor };
        if (Interlocked.Exchange(ref _preparedTts, null) is { } stale) _spareClosing = DisposeWhenOpenAsync(stale); // opened in the old voice
        LogLanguageSwitched(_logger, _callId, row.Name);
    }

    private void OnFirstFrameSent(int replyId)
    {
        AudioTurnTimeline? timeline;
        lock (_gate) timeline = _lastTimeline;
        if (timeline is null || !timeline.Hops.Mark(TurnHop.FirstMediaSent)) return;
        _metrics.RecordAudioTurn(timeline.SpeechEndToFirstAudioMs, timeline.ServerShareMs, _transportName);
        LogFirstAudio(_logger, _callId, replyId, LogValues.Ms(timeline.SpeechEndToFirstAudioMs), LogValues.Ms(timeline.ServerShareMs),
            LogValues.Ms(timeline.Ms(timeline.Hops[TurnHop.SpeechEnded], timeline.Hops[TurnHop.TranscriptFinal])),
            LogValues.Ms(timeline.Ms(timeline.UtterancePostedAt, timeline.Hops[TurnHop.FirstModelDelta])),
            LogValues.Ms(timeline.Ms(timeline.LastTextBeforeAudioAt, timeline.Hops[TurnHop.FirstTtsAudio])), _transportName);
    }

    private AudioTurnTimeline? _lastTimeline;

    private async ValueTask WaitForPlaybackAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < 300 && AgentSpeaking; i++) await Task.Delay(TimeSpan.FromMilliseconds(50), _clock, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _life.CancelAsync();
        _playout.Writer.TryComplete();
        ActiveReply? active;
        lock (_gate) { active = _active; _active = null; }
        if (active is not null) await active.CancelAsync();
        if (Interlocked.Exchange(ref _preparedTts, null) is { } prepared) await DisposeWhenOpenAsync(prepared);
        // Every loop ends on the cancelled token (they catch only that); a loop that does not is reported, not awaited forever.
        try
        {
            await Task.WhenAll(_sttLoop, _playoutLoop, _confirmation, _spareClosing).WaitAsync(TimeSpan.FromSeconds(3), _clock);
        }
        catch (TimeoutException)
        {
            LogLoopsDidNotStop(_logger, _callId);
        }
        if (_sttSession is not null) await _sttSession.DisposeAsync();
        _sttLoopStop?.Dispose();
        _life.Dispose();
    }
}
