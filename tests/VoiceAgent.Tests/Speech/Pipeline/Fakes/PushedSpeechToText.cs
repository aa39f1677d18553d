using System.Threading.Channels;
using VoiceAgent.Speech;

namespace VoiceAgent.Tests.Speech.Pipeline.Fakes;

/// <summary>
/// An in-memory STT provider whose one session's results are pushed by the test, delivered as the Deepgram session
/// delivers them: to the session's reader on the pushing thread when the reader is waiting. No socket.
/// </summary>
internal sealed class PushedSpeechToText : ISpeechToText
{
    private readonly TaskCompletionSource<Session> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The session the pipeline opened.</summary>
    public Task<Session> Connected => _connected.Task;

    public ValueTask<ISpeechToTextSession> ConnectAsync(SpeechToTextSessionOptions options, CancellationToken cancellationToken)
    {
        var session = new Session();
        _connected.TrySetResult(session);
        return ValueTask.FromResult<ISpeechToTextSession>(session);
    }

    internal sealed class Session : ISpeechToTextSession
    {
        private readonly Channel<SpeechEvent> _events = Channel.CreateUnbounded<SpeechEvent>(
            new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });

        /// <summary>Delivers a result; returns once the reader has taken it, if it was waiting for one.</summary>
        public void Push(SpeechEvent e) => _events.Writer.TryWrite(e);

        public ValueTask SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask FinalizeAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public IAsyncEnumerable<SpeechEvent> ReadEventsAsync(CancellationToken cancellationToken) => _events.Reader.ReadAllAsync(cancellationToken);

        public ValueTask DisposeAsync()
        {
            _events.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }
    }
}
