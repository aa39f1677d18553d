using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Observability;
using VoiceAgent.Speech.Audio;
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
    private readonly short[] _inboundPcm;
    private readonly short[] _playedPcm;
    private readonly PlaybackTracker _tracker;
    private readonly Channel<PlayoutItem> _playout = Channel.CreateUnbounded<PlayoutItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _life = new();
    private readonly object _gate = new();
    private readonly StringBuilder _utterance = new();

    private Func<ConversationEvent, CancellationToken, ValueTask> _post = (_, _) => ValueTask.CompletedTask;
    private ISpeechToTextSession? _sttSession;
    private Task _sttLoop = Task.CompletedTask;
    private Task _playoutLoop = Task.CompletedTask;
    private TextToSpeechStreamOptions _ttsOptions = new("", "");
    private Task<ITextToSpeechStream>? _preparedTts;
    private AudioTurnTimeline? _pendingTimeline;
    private ActiveReply? _active;
    private int _cancelledUpTo = -1;
    private volatile int _generation;
    private string _callId = "pending";
    private double _utteranceConfidence = 1;
    private long _lastSpeechEndedAt;
    private long _lastSpeechStartedAt;
    private long _lastVoicedFrameAt;
    private long _lastFlushAt;
    private bool _callerSpeechSinceFlush;
    private long _bargeInCandidateSince;
    private TimeSpan _utteranceDuration;
    private bool _bargeInPending;
    private bool _wordsSinceSpeechStart;

    public SpeechPipeline(IAudioTransport carrier, ISpeechToText stt, ITextToSpeech tts, SpeechPipelineOptions options,
        TimeProvider clock, VoiceAgentMetrics metrics, ILogger logger, string transportName)
    {
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
        _inboundPcm = new short[_format.SamplesPerFrame];
        _playedPcm = new short[_format.SamplesPerFrame];
        _tracker = new PlaybackTracker(clock);
    }

    private long FrameTicks => _clock.TimestampFrequency / 50;

    /// <summary>True while a reply is being synthesised or its audio has not finished playing.</summary>
    public bool AgentSpeaking
    {
        get { lock (_gate) return _active is not null || _tracker.HasUnplayedAudio; }
    }

    /// <summary>Where events for the engine go (the call's mailbox).</summary>
    public void Attach(Func<ConversationEvent, CancellationToken, ValueTask> post) => _post = post;

    /// <summary>Connects STT, starts playout, tells the engine the call started and speaks the greeting.</summary>
    public async Task StartAsync(CallInfo call, CallLocale locale, string? greeting, CancellationToken cancellationToken)
    {
        _callId = call.CallSid;
        _ttsOptions = new TextToSpeechStreamOptions(locale.TtsVoiceId, _format.TtsOutputFormat, locale.TtsLanguageCode);
        _sttSession = await _stt.ConnectAsync(new SpeechToTextSessionOptions(locale.SttModel, locale.SttLanguage, _format.SttEncoding, _format.SampleRate), cancellationToken);
        _sttLoop = RunSttLoopAsync(_life.Token);
        _playoutLoop = RunPlayoutAsync(_life.Token);
        LogStarted(_logger, _callId, locale.Name, _format.Name);
        await _post(new CallStarted(call with { Language = locale.SttLanguage }) { ReceivedAt = _clock.GetTimestamp() }, cancellationToken);
        if (!string.IsNullOrWhiteSpace(greeting)) await SendAsync(new SpeakToken(greeting, Last: true, ReplyId: 0), cancellationToken);
    }

    // ───────────── inbound: carrier → VAD/STT → engine ─────────────

    /// <summary>One frame of caller audio, in the carrier's format.</summary>
    public async ValueTask OnAudioAsync(ReadOnlyMemory<byte> frame, long receivedAt, CancellationToken cancellationToken)
    {
        if (_sttSession is { } stt) await stt.SendAudioAsync(frame, cancellationToken);
        if (frame.Length != _format.FrameBytes) return; // odd sizes still reach STT; VAD runs on whole frames
        VadEvent vad;
        lock (_gate)
        {
            _format.Decode(frame.Span, _inboundPcm);
            vad = _vad.Process(_inboundPcm);
            if (_vad.IsSpeaking && _vad.SpeechProbability >= 0.5f) _lastVoicedFrameAt = receivedAt + FrameTicks;
        }
        switch (vad.Kind)
        {
            case VadEventKind.SpeechStarted:
                LogSpeech(_logger, _callId, "started", AgentSpeaking);
                lock (_gate)
                {
                    _wordsSinceSpeechStart = false;
                    _callerSpeechSinceFlush = true;
                    // The detector confirms speech some frames after it began; date it from the audio itself.
                    _lastSpeechStartedAt = receivedAt - (long)((vad.DetectedAt - vad.Timestamp).TotalSeconds * _clock.TimestampFrequency);
                    _bargeInCandidateSince = _lastSpeechStartedAt;
                }
                break;
            case VadEventKind.SpeechEnded:
                bool confirm;
                lock (_gate)
                {
                    _lastSpeechEndedAt = receivedAt;
                    _bargeInCandidateSince = 0;
                    confirm = _bargeInPending && !_wordsSinceSpeechStart;
                }
                LogSpeech(_logger, _callId, "ended", AgentSpeaking);
                if (confirm) _ = ConfirmBargeInAsync(_life.Token);
                break;
        }

        // Barge-in: caller speech during playback that has lasted long enough to be more than a blip.
        bool bargeIn;
        lock (_gate)
        {
            bargeIn = _bargeInCandidateSince != 0 && _vad.IsSpeaking
                && _clock.GetElapsedTime(_bargeInCandidateSince, receivedAt) >= _options.BargeInMinSpeech
                && (_active is not null || _tracker.HasUnplayedAudio);
            if (bargeIn || !(_active is not null || _tracker.HasUnplayedAudio) && _clock.GetElapsedTime(_bargeInCandidateSince, receivedAt) >= _options.BargeInMinSpeech)
                _bargeInCandidateSince = 0;
        }
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
            _bargeInPending = true;
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
        try
        {
            await Task.Delay(_options.BargeInConfirmation, _clock, cancellationToken);
            lock (_gate)
            {
                if (!_bargeInPending || _wordsSinceSpeechStart || _vad.IsSpeaking) return;
                _bargeInPending = false;
            }
            LogFalseInterruption(_logger, _callId);
            await _post(new FalseInterruption { ReceivedAt = _clock.GetTimestamp() }, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunSttLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in _sttSession!.ReadEventsAsync(cancellationToken))
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
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async ValueTask OnTranscriptAsync(TranscriptReceived t, CancellationToken cancellationToken)
    {
        var text = t.Text.Trim();
        lock (_gate)
        {
            if (text.Length > 0)
            {
                _wordsSinceSpeechStart = true;
                _bargeInPending = false; // words: the barge-in was real
            }
            if (t.IsFinal && text.Length > 0)
            {
                if (_utterance.Length > 0) _utterance.Append(' ');
                _utterance.Append(text);
                _utteranceConfidence = Math.Min(_utteranceConfidence, t.Confidence);
                _utteranceDuration += t.Duration;
            }
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
            text = _utterance.ToString();
            confidence = _utteranceConfidence;
            _utterance.Clear();
            _utteranceConfidence = 1;
            // The artefact rule asks when the caller *started* talking relative to the agent stopping: our VAD's
            // onset when it heard this utterance, else the final's arrival less the speech it covers.
            var playedAt = _tracker.ReplyPlayedAt;
            var startedAt = _lastSpeechStartedAt > playedAt ? _lastSpeechStartedAt
                : finalAt - (long)(_utteranceDuration.TotalSeconds * _clock.TimestampFrequency);
            sinceAgentStopped = _active is null && !_tracker.HasUnplayedAudio && playedAt != 0 ? _clock.GetElapsedTime(playedAt, startedAt) : null;
            _utteranceDuration = TimeSpan.Zero;
            // Caller speech end: the end of the last frame our detector heard as speech in this utterance (the
            // detector's own end event comes a hang-over later, often after the transcript).
            speechEndedAt = _lastVoicedFrameAt > _lastFlushAt ? _lastVoicedFrameAt : 0;
            _lastFlushAt = finalAt;
            // Echo bleed: STT heard words that overlapped the agent's audio, yet our echo-guarded detector never
            // heard the caller start. A caller who talks over the agent trips the detector (that is barge-in).
            var agentSpeakingNow = _active is not null || _tracker.HasUnplayedAudio;
            var overlapped = agentSpeakingNow || (playedAt != 0 && startedAt < playedAt);
            echoBleed = overlapped && !_callerSpeechSinceFlush;
            _callerSpeechSinceFlush = _vad.IsSpeaking;
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
            default:
                LogUnsupported(_logger, _callId, command.GetType().Name, _transportName);
                break;
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
        try
        {
            stream = prepared is not null ? await prepared : await _tts.OpenAsync(_ttsOptions, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogTtsFailed(_logger, _callId, replyId, ex.GetType().Name, ex.Message);
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
        var next = _tts.OpenAsync(_ttsOptions, _life.Token).AsTask();
        var old = Interlocked.Exchange(ref _preparedTts, next);
        if (old is not null) _ = DisposeWhenOpenAsync(old);
    }

    private static async Task DisposeWhenOpenAsync(Task<ITextToSpeechStream> pending)
    {
        try { await (await pending).DisposeAsync(); }
        catch (Exception) { } // a spare socket that failed to open needs no cleanup
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
                if (item.Generation != _generation) continue;
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
                if (item.Generation != _generation) continue;
                await _carrier.SendAudioAsync(item.Frame, cancellationToken);
                playhead = Math.Max(playhead, now) + frameTicks;
                lock (_gate)
                {
                    _format.Decode(item.Frame, _playedPcm);
                    _vad.ObservePlayback(_playedPcm);
                }
                if (item.ReplyId != lastReply)
                {
                    lastReply = item.ReplyId;
                    OnFirstFrameSent(item.ReplyId);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
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
        await Task.WhenAll(_sttLoop, _playoutLoop).WaitAsync(TimeSpan.FromSeconds(3)).ContinueWith(_ => { }, TaskScheduler.Default);
        if (_sttSession is not null) await _sttSession.DisposeAsync();
        _life.Dispose();
    }
}
