using System.Text;
using System.Threading.Channels;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Speech;

namespace VoiceAgent.Tests.Speech.Pipeline.Fakes;

/// <summary>
/// An in-memory TTS provider whose opens are scripted by the test: each open takes the next outcome (a stream, a
/// failure, or an open that never completes). No socket.
/// </summary>
internal sealed class ScriptedTextToSpeech : ITextToSpeech
{
    private readonly Queue<Func<ValueTask<ITextToSpeechStream>>> _outcomes = new();
    private readonly List<ScriptedStream> _streams = [];
    private readonly Channel<ScriptedStream> _opened = Channel.CreateUnbounded<ScriptedStream>();
    private int _seen;
    private int _opens;

    public int Opens => Volatile.Read(ref _opens);
    public IReadOnlyList<ScriptedStream> Streams { get { lock (_streams) return _streams.ToList(); } }

    /// <summary>The next open returns a new stream (also the default when nothing is scripted).</summary>
    public ScriptedTextToSpeech Succeeds(int count = 1)
    {
        for (var i = 0; i < count; i++) _outcomes.Enqueue(() => ValueTask.FromResult<ITextToSpeechStream>(NewStream()));
        return this;
    }

    /// <summary>The next open fails with <paramref name="failure"/>.</summary>
    public ScriptedTextToSpeech Fails(Exception failure)
    {
        _outcomes.Enqueue(() => ValueTask.FromException<ITextToSpeechStream>(failure));
        return this;
    }

    /// <summary>The next open never completes (a provider that accepts the TCP connection and then says nothing).</summary>
    public ScriptedTextToSpeech Hangs()
    {
        _outcomes.Enqueue(() => new ValueTask<ITextToSpeechStream>(new TaskCompletionSource<ITextToSpeechStream>().Task));
        return this;
    }

    public ScriptedStream NewStream()
    {
        var stream = new ScriptedStream();
        lock (_streams) _streams.Add(stream);
        _opened.Writer.TryWrite(stream);
        return stream;
    }

    /// <summary>Waits (bounded) until <paramref name="count"/> streams exist in all.</summary>
    public async Task WaitForStreamsAsync(int count)
    {
        while (_seen < count)
        {
            await _opened.Reader.ReadAsync().AsTask().DefaultTimeout();
            _seen++;
        }
    }

    public ValueTask<ITextToSpeechStream> OpenAsync(TextToSpeechStreamOptions options, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _opens);
        Func<ValueTask<ITextToSpeechStream>>? outcome;
        lock (_outcomes) _outcomes.TryDequeue(out outcome);
        return outcome is null ? ValueTask.FromResult<ITextToSpeechStream>(NewStream()) : outcome();
    }
}

/// <summary>One scripted synthesis stream: records the text it was sent; the test feeds its audio or drops it.</summary>
internal sealed class ScriptedStream : ITextToSpeechStream
{
    private readonly Channel<object> _audio = Channel.CreateUnbounded<object>();
    private readonly StringBuilder _text = new();
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<string> _sends = Channel.CreateUnbounded<string>();

    public string Text { get { lock (_text) return _text.ToString(); } }
    public bool Completed => _completed.Task.IsCompleted;
    public bool Disposed { get; private set; }

    /// <summary>The stream produces audio for <paramref name="text"/> (one byte of audio per character).</summary>
    public void Speak(string text) => _audio.Writer.TryWrite(new SpeechAudioChunk(Enumerable.Repeat((byte)0xFF, Math.Max(1, text.Length)).ToArray(), text, [], []));

    /// <summary>The provider finished: the audio ends.</summary>
    public void End() => _audio.Writer.TryComplete();

    /// <summary>The provider's socket drops.</summary>
    public void Drop(Exception failure) => _audio.Writer.TryComplete(failure);

    /// <summary>Waits (bounded) until the stream was sent text that ends with <paramref name="suffix"/>.</summary>
    public async Task WaitForTextAsync(string suffix)
    {
        while (!Text.EndsWith(suffix, StringComparison.Ordinal)) await _sends.Reader.ReadAsync().AsTask().DefaultTimeout();
    }

    public Task WhenCompleted => _completed.Task;

    /// <summary>When set, the next send records its text and then stays pending until the test completes this.</summary>
    public HeldSend? HoldNextSend { get; set; }

    public ValueTask SendTextAsync(string text, CancellationToken cancellationToken)
    {
        lock (_text) _text.Append(text);
        _sends.Writer.TryWrite(text);
        var hold = HoldNextSend;
        HoldNextSend = null;
        return hold is null ? ValueTask.CompletedTask : hold.AsValueTask();
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        _completed.TrySetResult();
        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<SpeechAudioChunk> ReadAudioAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in _audio.Reader.ReadAllAsync(cancellationToken)) yield return (SpeechAudioChunk)item;
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _audio.Writer.TryComplete(new ObjectDisposedException(nameof(ScriptedStream)));
        return ValueTask.CompletedTask;
    }
}
