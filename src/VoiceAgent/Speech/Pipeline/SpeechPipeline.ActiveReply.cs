using System.Text;
using VoiceAgent.Observability;
using VoiceAgent.Speech.Audio;

namespace VoiceAgent.Speech.Pipeline;

internal sealed partial class SpeechPipeline
{
    /// <summary>
    /// One reply being voiced: its TTS stream, the text sent to it, and the reader that turns audio into frames.
    /// If the TTS socket drops mid-reply, the reader reopens it once and re-sends the text not yet voiced.
    /// </summary>
#pragma warning disable CA1001 // the token source is disposed by CancelAsync or with the call's lifetime token; it has no timer
    private sealed class ActiveReply(SpeechPipeline owner, int id, ITextToSpeechStream stream, AudioTurnTimeline timeline, int generation)
    {
        private readonly CancellationTokenSource _cts = new();
        private readonly StringBuilder _textSent = new();
        private ITextToSpeechStream _stream = stream;
        private Task _reader = Task.CompletedTask;
        private int _voicedChars;
        private bool _completed;
        private CancellationTokenRegistration _lifeRegistration;

        public int Id { get; } = id;
        public int Generation { get; } = generation;
        public int NextMarkSequence;

        public void Start(CancellationToken life)
        {
            // Unregistered before _cts is disposed, so a call ending after this reply never touches a disposed source.
            _lifeRegistration = life.Register(static state => ((CancellationTokenSource)state!).Cancel(), _cts);
            _reader = ReadAsync();
        }

        public async ValueTask SendTextAsync(string text, bool last, CancellationToken cancellationToken)
        {
            try
            {
                if (text.Length > 0)
                {
                    var now = owner._clock.GetTimestamp();
                    if (timeline.FirstTextToTtsAt == 0) timeline.FirstTextToTtsAt = now;
                    if (timeline.Hops[TurnHop.FirstTtsAudio] == 0) timeline.LastTextBeforeAudioAt = now;
                    lock (_textSent) _textSent.Append(text);
                    await _stream.SendTextAsync(text, cancellationToken);
                }
                if (last)
                {
                    _completed = true;
                    await _stream.CompleteAsync(cancellationToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The reader sees the same failure and reopens the stream with everything not yet voiced.
                LogTtsSendFailed(owner._logger, owner._callId, Id, ex.GetType().Name);
            }
        }

        private async Task ReadAsync()
        {
            var assembler = new AudioFrameAssembler(owner._format.FrameBytes, owner._format.SilenceByte);
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await foreach (var chunk in _stream.ReadAudioAsync(_cts.Token))
                    {
                        timeline.Hops.Mark(TurnHop.FirstTtsAudio);
                        _voicedChars += chunk.AlignedText.Length;
                        owner.EnqueueChunk(this, chunk, assembler);
                    }
                    owner.EnqueueEnd(this, assembler);
                    return;
                }
                catch (OperationCanceledException) when (_cts.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (attempt == 0)
                {
                    LogTtsFailed(owner._logger, owner._callId, Id, ex.GetType().Name, ex.Message);
                    if (!await ReopenAsync()) { await GiveUpAsync(assembler, ex); return; }
                }
                catch (Exception ex)
                {
                    // The provider opened again and dropped again: the reply ends here, the next one tries afresh.
                    LogTtsFailed(owner._logger, owner._callId, Id, ex.GetType().Name, ex.Message);
                    owner.EnqueueEnd(this, assembler);
                    return;
                }
            }
        }

        /// <summary>Synthesis dropped and could not be re-opened: close what was voiced and tell the engine the voice is gone.</summary>
        private async ValueTask GiveUpAsync(AudioFrameAssembler assembler, Exception ex)
        {
            owner.EnqueueEnd(this, assembler);
            if (_cts.IsCancellationRequested) return;
            Interlocked.Increment(ref owner._voiceFailures);
            await owner.SpeechLostAsync($"speech synthesis failed mid-reply: {ex.GetType().Name}");
        }

        private async Task<bool> ReopenAsync()
        {
            try
            {
                var old = _stream;
                _stream = await owner._tts.OpenAsync(owner._ttsOptions, _cts.Token);
                await old.DisposeAsync();
                string rest;
                lock (_textSent) rest = _textSent.ToString(Math.Min(_voicedChars, _textSent.Length), _textSent.Length - Math.Min(_voicedChars, _textSent.Length));
                if (rest.Length > 0) await _stream.SendTextAsync(rest, _cts.Token);
                if (_completed) await _stream.CompleteAsync(_cts.Token);
                LogTtsReopened(owner._logger, owner._callId, Id, rest.Length);
                return true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_cts.IsCancellationRequested)
            {
                LogTtsFailed(owner._logger, owner._callId, Id, ex.GetType().Name, ex.Message);
                return false;
            }
            catch (OperationCanceledException)
            {
                return false; // the reply was cut while re-opening: nothing left to voice
            }
        }

        /// <summary>Barge-in: stop synthesis now and close the TTS socket without waiting for its end.</summary>
        public async ValueTask CancelAsync()
        {
            await _cts.CancelAsync();
            await _stream.DisposeAsync();
            try { await _reader.WaitAsync(TimeSpan.FromSeconds(2)); }
            catch (TimeoutException) { LogTtsFailed(owner._logger, owner._callId, Id, "Timeout", "reader did not stop within 2 s"); }
            await _lifeRegistration.DisposeAsync();
            _cts.Dispose();
        }
    }
#pragma warning restore CA1001
}
