using VoiceAgent.Speech;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Deepgram;

/// <summary>Reads a session's events in order, keeping every event seen so tests can assert on the sequence.</summary>
internal sealed class SpeechEventReader : IAsyncDisposable
{
    private const int MaxEvents = 500;
    private readonly CancellationTokenSource _stop = new();
    private readonly IAsyncEnumerator<SpeechEvent> _events;

    public SpeechEventReader(ISpeechToTextSession session) => _events = session.ReadEventsAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);

    public List<SpeechEvent> Seen { get; } = [];

    /// <summary>Reads until an event of type <typeparamref name="T"/> matching <paramref name="match"/> arrives; fails if the stream ends first.</summary>
    public async Task<T> NextAsync<T>(Func<T, bool>? match = null) where T : SpeechEvent
    {
        while (Seen.Count < MaxEvents)
        {
            if (!await _events.MoveNextAsync().DefaultTimeout())
                throw new InvalidOperationException($"The event stream ended before a {typeof(T).Name}; seen: {Describe()}");
            Seen.Add(_events.Current);
            if (_events.Current is T found && (match is null || match(found))) return found;
        }
        throw new InvalidOperationException($"No {typeof(T).Name} within {MaxEvents} events.");
    }

    /// <summary>Reads until the session's event stream completes.</summary>
    public async Task ReadToEndAsync()
    {
        while (Seen.Count < MaxEvents && await _events.MoveNextAsync().DefaultTimeout()) Seen.Add(_events.Current);
    }

    public int IndexOf(SpeechEvent speechEvent) => Seen.IndexOf(speechEvent);

    public string Describe() => string.Join(", ", Seen);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _events.DisposeAsync(); } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
