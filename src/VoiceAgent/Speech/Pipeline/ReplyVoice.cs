using System.Text;
using System.Threading.Channels;

namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// One reply's synthesis: opens its TTS stream once, within a bound, sends the reply's text in order as it arrives,
/// and reports the audio. What it reports, in order, through <c>report</c>:
/// <list type="bullet">
/// <item><see cref="VoiceAudio"/> for each chunk;</item>
/// <item>then exactly one of <see cref="VoiceFinished"/> (the stream ended; after a drop it was re-opened once with the
/// text not yet voiced), <see cref="VoiceOpenFailed"/> (the stream never opened within the bound: the reply is
/// failed, its text dropped, no retry per token) or <see cref="VoiceLost"/> (it dropped mid-reply and could not be
/// re-opened).</item>
/// </list>
/// Nothing is reported after <see cref="Cancel"/> takes effect. One task owns the stream and the text sent to it; a
/// reader task per opened stream reads its audio and hands a drop back to the owner. After each chunk the reader waits
/// for <c>room</c> (the playout queue below its bound) before it reads the next, so a carrier that does not drain
/// stops the TTS socket being read instead of growing the call's memory with the reply.
/// </summary>
#pragma warning disable CA1001 // the token source has no timer and no registrations outside this class: nothing to release, and Cancel may come after the end
internal sealed class ReplyVoice
{
    private readonly ITextToSpeech _tts;
    private readonly TextToSpeechStreamOptions _options;
    private readonly Task<ITextToSpeechStream>? _prepared;
    private readonly TimeSpan _openBudget;
    private readonly TimeProvider _clock;
    private readonly Func<VoiceReport, CancellationToken, ValueTask> _report;
    private readonly Func<CancellationToken, ValueTask> _room;
    // Synchronous continuations: text said on the pipeline's loop is written to the TTS socket on that thread when this
    // voice is idle (the send is one non-blocking socket write), not after a thread-pool hop: under load each hop is a
    // wait in the pool's queue, and this one is on the critical path of every reply's first audio.
    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly CancellationTokenSource _cts = new();
    private readonly StringBuilder _textSent = new();
    private bool _completed;
    private bool _reopened;
    private long _firstTextSentAt;
    private long _firstAudioReadAt;
    private Task _abandonedOpen = Task.CompletedTask; // an open given up on, closed once it completes

    private abstract record Work;
    private sealed record Text(string Value, bool Last) : Work;
    private sealed record StreamEnded(Exception? Failure, int VoicedChars) : Work;

    /// <param name="prepared">A stream opened ahead (while the model was thinking), used instead of opening one; null: open now.</param>
    /// <param name="room">Completes when the audio reported so far leaves room for more (the playout queue's bound).</param>
    public ReplyVoice(int replyId, ITextToSpeech tts, TextToSpeechStreamOptions options, Task<ITextToSpeechStream>? prepared, TimeSpan openBudget,
        TimeProvider clock, Func<VoiceReport, CancellationToken, ValueTask> report, Func<CancellationToken, ValueTask> room)
    {
        _room = room;
        ReplyId = replyId;
        _tts = tts;
        _options = options;
        _prepared = prepared;
        _openBudget = openBudget;
        _clock = clock;
        _report = report;
        Completion = RunAsync();
    }

    public int ReplyId { get; }

    /// <summary>When the reply's first text had been written to the TTS socket (clock timestamp); 0 before.</summary>
    public long FirstTextSentAt => Volatile.Read(ref _firstTextSentAt);

    /// <summary>When the reply's first audio chunk was taken off the TTS stream by this voice (clock timestamp); 0 before.</summary>
    public long FirstAudioReadAt => Volatile.Read(ref _firstAudioReadAt);

    /// <summary>Ends once the stream is closed and everything was reported (or the voice was cancelled).</summary>
    public Task Completion { get; }

    /// <summary>Queues text to speak after everything before it; <paramref name="last"/> ends the reply.</summary>
    public void Say(string text, bool last) => _work.Writer.TryWrite(new Text(text, last));

    /// <summary>Stops synthesis now (barge-in, a newer reply, the call ending); the stream is closed by the voice's own task.</summary>
    public void Cancel()
    {
        if (_cts.IsCancellationRequested) return;
        _cts.Cancel();
        _work.Writer.TryComplete();
    }

    private async Task RunAsync()
    {
        await Task.Yield(); // the constructor returns before the open starts
        var token = _cts.Token;
        ITextToSpeechStream? stream = null;
        var reader = Task.CompletedTask;
        try
        {
            try
            {
                stream = await OpenAsync(_prepared, token);
            }
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                _work.Writer.TryComplete();
                await _report(new VoiceOpenFailed(this, ex), token);
                return;
            }
            reader = ReadAsync(stream, token);
            await foreach (var work in _work.Reader.ReadAllAsync(token))
            {
                switch (work)
                {
                    case Text text:
                        await SendAsync(stream, text, token);
                        break;
                    case StreamEnded { Failure: null }:
                        await _report(new VoiceFinished(this), token);
                        return;
                    case StreamEnded ended when _reopened:
                        // It opened again and dropped again: the reply ends here, the next one tries afresh.
                        await _report(new VoiceFinished(this, ended.Failure), token);
                        return;
                    case StreamEnded ended:
                        _reopened = true;
                        var old = stream;
                        try
                        {
                            stream = await OpenAsync(null, token);
                        }
                        catch (Exception ex) when (!token.IsCancellationRequested)
                        {
                            await _report(new VoiceLost(this, ended.Failure!, ex), token);
                            return;
                        }
                        await old.DisposeAsync();
                        var voiced = Math.Min(ended.VoicedChars, _textSent.Length);
                        var rest = _textSent.ToString(voiced, _textSent.Length - voiced);
                        await _report(new VoiceReopened(this, ended.Failure!, rest.Length), token);
                        await SendAsync(stream, new Text(rest, _completed), token, record: false);
                        reader = ReadAsync(stream, token, voiced);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // cancelled: nothing more is reported
        }
        finally
        {
            if (stream is not null) await stream.DisposeAsync();
            await reader; // ends on the cancelled token or the closed stream; it reports its own failures
            await _abandonedOpen;
        }
    }

    /// <summary>Opens (or takes the prepared) stream, within the open budget counted on the call's clock.</summary>
    private async Task<ITextToSpeechStream> OpenAsync(Task<ITextToSpeechStream>? prepared, CancellationToken token)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(token);
        var opening = prepared ?? _tts.OpenAsync(_options, bounded.Token).AsTask();
        try
        {
            return await opening.WaitAsync(_openBudget, _clock, token);
        }
        catch (TimeoutException)
        {
            await bounded.CancelAsync(); // a provider client that honours the token gives up its connect now
            _abandonedOpen = DisposeWhenOpenAsync(opening); // the reply fails now, not when the provider answers
            throw new TimeoutException($"speech synthesis did not open within {_openBudget.TotalSeconds:0.###} s");
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            _abandonedOpen = DisposeWhenOpenAsync(opening);
            throw;
        }
    }

    /// <summary>An open given up on may still complete: its stream is closed, and its failure is the reason already reported.</summary>
    private static async Task DisposeWhenOpenAsync(Task<ITextToSpeechStream> opening)
    {
        await ((Task)opening).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (opening.IsCompletedSuccessfully) await opening.Result.DisposeAsync();
    }

    private async ValueTask SendAsync(ITextToSpeechStream stream, Text text, CancellationToken token, bool record = true)
    {
        if (record) _textSent.Append(text.Value);
        _completed |= text.Last;
        try
        {
            if (text.Value.Length > 0) await stream.SendTextAsync(text.Value, token);
            if (text.Last) await stream.CompleteAsync(token);
            if (_firstTextSentAt == 0 && _textSent.Length > 0) Volatile.Write(ref _firstTextSentAt, _clock.GetTimestamp());
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
        {
            // The reader sees the same drop and hands it back here, where the text not yet voiced is re-sent.
            await _report(new VoiceSendFailed(this, ex), token);
        }
    }

    /// <summary>Reads one stream's audio until it ends or drops, then tells the owner which.</summary>
    private async Task ReadAsync(ITextToSpeechStream stream, CancellationToken token, int voicedBefore = 0)
    {
        var voiced = voicedBefore;
        Exception? failure = null;
        try
        {
            await foreach (var chunk in stream.ReadAudioAsync(token))
            {
                voiced += chunk.AlignedText.Length;
                if (_firstAudioReadAt == 0) Volatile.Write(ref _firstAudioReadAt, _clock.GetTimestamp());
                await _report(new VoiceAudio(this, chunk), token);
                await _room(token); // backpressure: the next chunk stays with the provider while playout is full
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        _work.Writer.TryWrite(new StreamEnded(failure, voiced));
    }
}

#pragma warning restore CA1001

/// <summary>What a <see cref="ReplyVoice"/> reports to the pipeline.</summary>
internal abstract record VoiceReport(ReplyVoice Voice);

/// <summary>Synthesised audio for the reply.</summary>
internal sealed record VoiceAudio(ReplyVoice Voice, SpeechAudioChunk Chunk) : VoiceReport(Voice);

/// <summary>The reply's audio is complete. <paramref name="Failure"/>: it ended early because the re-opened stream dropped too.</summary>
internal sealed record VoiceFinished(ReplyVoice Voice, Exception? Failure = null) : VoiceReport(Voice);

/// <summary>The stream did not open within the bound (or the provider refused it): the reply is failed, nothing was voiced.</summary>
internal sealed record VoiceOpenFailed(ReplyVoice Voice, Exception Failure) : VoiceReport(Voice);

/// <summary>The stream dropped mid-reply and could not be re-opened: the voice is gone.</summary>
internal sealed record VoiceLost(ReplyVoice Voice, Exception Drop, Exception ReopenFailure) : VoiceReport(Voice);

/// <summary>The stream dropped mid-reply and was re-opened; <paramref name="ResentChars"/> not yet voiced were sent again.</summary>
internal sealed record VoiceReopened(ReplyVoice Voice, Exception Drop, int ResentChars) : VoiceReport(Voice);

/// <summary>Sending text failed (the reader reports the drop itself); for the log.</summary>
internal sealed record VoiceSendFailed(ReplyVoice Voice, Exception Failure) : VoiceReport(Voice);
