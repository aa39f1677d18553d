using System.Threading.Channels;

namespace VoiceAgent.Emulators.Audio;

/// <summary>
/// What the emulated caller says, queued utterance after utterance and cut into line frames. The last frame
/// of an utterance is padded with silence. Written by <c>PlayAsync</c> callers; read only by the line loop.
/// </summary>
internal sealed class InboundAudioQueue(LineFormat format)
{
    private readonly Channel<CallerUtterance> _pending = Channel.CreateUnbounded<CallerUtterance>(new UnboundedChannelOptions { SingleReader = true });
    private CallerUtterance? _current;

    /// <summary>Queues <paramref name="audio"/>; the task completes once its last frame has been sent.</summary>
    public Task EnqueueAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        if (audio.IsEmpty) return Task.CompletedTask;
        var utterance = new CallerUtterance(audio, cancellationToken);
        if (!_pending.Writer.TryWrite(utterance)) throw new InvalidOperationException("The call has ended; nothing more can be played into it.");
        return utterance.Sent.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The next frame of caller audio, or null when nothing is queued. <paramref name="finished"/> is the
    /// utterance whose last byte this frame carries, to complete once the frame is on the wire.
    /// </summary>
    public byte[]? NextFrame(out CallerUtterance? finished)
    {
        finished = null;
        while (_current is not null || _pending.Reader.TryRead(out _current))
        {
            var utterance = _current;
            if (utterance.CancellationToken.IsCancellationRequested)
            {
                utterance.Sent.TrySetCanceled(utterance.CancellationToken);
                _current = null;
                continue;
            }
            var frame = format.SilentFrame();
            var count = Math.Min(frame.Length, utterance.Audio.Length - utterance.Position);
            utterance.Audio.Span.Slice(utterance.Position, count).CopyTo(frame);
            utterance.Position += count;
            if (utterance.Position == utterance.Audio.Length)
            {
                finished = utterance;
                _current = null;
            }
            return frame;
        }
        return null;
    }

    /// <summary>Refuses new audio and cancels whatever was not sent.</summary>
    public void Close()
    {
        _pending.Writer.TryComplete();
        _current?.Sent.TrySetCanceled();
        _current = null;
        while (_pending.Reader.TryRead(out var utterance)) utterance.Sent.TrySetCanceled();
    }
}
