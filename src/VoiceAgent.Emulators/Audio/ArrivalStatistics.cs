namespace VoiceAgent.Emulators.Audio;

/// <summary>
/// Accumulates <see cref="ServerAudioStatistics"/> as messages arrive. The receive loop records; tests read
/// and reset from other threads, so each update publishes an immutable snapshot.
/// </summary>
internal sealed class ArrivalStatistics
{
    private readonly Lock _gate = new();
    private ServerAudioStatistics _current = ServerAudioStatistics.Empty;

    public ServerAudioStatistics Current
    {
        get { lock (_gate) return _current; }
    }

    public void Record(int bytes, TimeSpan receivedAt)
    {
        lock (_gate)
        {
            var previous = _current;
            if (previous.LastReceivedAt is not { } last || previous.FirstReceivedAt is not { } first)
            {
                _current = new ServerAudioStatistics(1, bytes, receivedAt, receivedAt, TimeSpan.Zero, TimeSpan.Zero);
                return;
            }
            var gap = receivedAt - last;
            var messages = previous.Messages + 1;
            _current = new ServerAudioStatistics(messages, previous.Bytes + bytes, first, receivedAt,
                (receivedAt - first) / (messages - 1), gap > previous.MaxGap ? gap : previous.MaxGap);
        }
    }

    /// <summary>Starts over; returns what was accumulated until now.</summary>
    public ServerAudioStatistics Reset()
    {
        lock (_gate)
        {
            var previous = _current;
            _current = ServerAudioStatistics.Empty;
            return previous;
        }
    }
}
