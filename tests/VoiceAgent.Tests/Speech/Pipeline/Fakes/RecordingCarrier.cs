using System.Threading.Channels;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Speech.Pipeline;

namespace VoiceAgent.Tests.Speech.Pipeline.Fakes;

/// <summary>An in-memory carrier: records what the pipeline sends, in order, so tests can await it. No socket.</summary>
internal sealed class RecordingCarrier(AudioFormat format) : IAudioTransport
{
    private readonly Channel<string> _events = Channel.CreateUnbounded<string>();
    private readonly List<string> _all = [];

    public AudioFormat Format => format;

    /// <summary>Thrown by the next audio send (a carrier socket that is gone); null: sends succeed.</summary>
    public Exception? FailSends { get; set; }

    /// <summary>Everything sent so far: "frame:&lt;first byte&gt;", "mark:&lt;name&gt;", "clear", "hangup:&lt;data&gt;".</summary>
    public IReadOnlyList<string> Sent { get { lock (_all) return _all.ToList(); } }

    public int FramesSent { get { lock (_all) return _all.Count(e => e.StartsWith("frame:", StringComparison.Ordinal)); } }

    private void Record(string e)
    {
        lock (_all) _all.Add(e);
        _events.Writer.TryWrite(e);
    }

    /// <summary>Waits (bounded) until at least <paramref name="count"/> frames were sent.</summary>
    public async Task WaitForFramesAsync(int count)
    {
        while (FramesSent < count) await NextAsync();
    }

    /// <summary>Waits (bounded) until at least <paramref name="count"/> audio sends are held by <see cref="HoldSends"/>.</summary>
    public async Task WaitForHeldSendsAsync(int count)
    {
        while (HeldSends < count) await NextAsync();
    }

    /// <summary>The next thing sent (bounded wait).</summary>
    public async Task<string> NextAsync() => await _events.Reader.ReadAsync().AsTask().DefaultTimeout();

    /// <summary>While set, an audio send waits for it (a carrier socket whose write is pending); null: sends complete at once.</summary>
    public TaskCompletionSource? HoldSends { get; set; }

    /// <summary>Audio sends that started and wait on <see cref="HoldSends"/>.</summary>
    public int HeldSends => Volatile.Read(ref _held);

    private int _held;

    public async ValueTask SendAudioAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (FailSends is { } failure) throw failure;
        var tag = frame.Span[0];
        if (HoldSends is { } hold)
        {
            Interlocked.Increment(ref _held);
            _events.Writer.TryWrite("held:" + tag);
            await hold.Task.WaitAsync(cancellationToken);
        }
        Record("frame:" + tag);
    }

    public ValueTask SendMarkAsync(string name, CancellationToken cancellationToken)
    {
        Record("mark:" + name);
        return ValueTask.CompletedTask;
    }

    public ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        Record("clear");
        return ValueTask.CompletedTask;
    }

    public ValueTask HangUpAsync(string? handoffData, CancellationToken cancellationToken)
    {
        Record("hangup:" + handoffData);
        return ValueTask.CompletedTask;
    }
}
