using System.Collections.Immutable;
using System.Net.WebSockets;

namespace VoiceAgent.Emulators.Deepgram;

/// <summary>What the emulator saw on one accepted <c>/v1/listen</c> WebSocket. Counters update live.</summary>
public sealed class DeepgramEmulatorConnection
{
    private readonly Action _changed;
    private long _audioBytes;
    private int _audioFrames;
    private int _keepAlives;
    private int _finalizes;
    private int _closeStreams;
    private int _aborted;
    private int _ended;
    private int _serverCloseStatus = -1;
    private int _clientCloseStatus = -1;
    private ImmutableList<DeepgramEmulatorEndpoint> _endpoints = [];

    internal DeepgramEmulatorConnection(int number, string requestId, string queryString,
        IReadOnlyDictionary<string, string> query, string? authorization, Action changed)
    {
        Number = number;
        RequestId = requestId;
        QueryString = queryString;
        Query = query;
        Authorization = authorization;
        _changed = changed;
    }

    /// <summary>1 for the first accepted connection of the emulator, then 2, 3, …</summary>
    public int Number { get; }

    /// <summary>The <c>dg-request-id</c> sent on the upgrade and in every message's metadata.</summary>
    public string RequestId { get; }

    /// <summary>The raw query string, including the leading <c>?</c>.</summary>
    public string QueryString { get; }

    /// <summary>Query parameters; repeated names are joined with commas.</summary>
    public IReadOnlyDictionary<string, string> Query { get; }

    /// <summary>The <c>Authorization</c> header of the upgrade.</summary>
    public string? Authorization { get; }

    public long AudioBytesReceived => Interlocked.Read(ref _audioBytes);
    public int AudioFramesReceived => Volatile.Read(ref _audioFrames);
    public int KeepAlivesReceived => Volatile.Read(ref _keepAlives);
    public int FinalizesReceived => Volatile.Read(ref _finalizes);
    public int CloseStreamsReceived => Volatile.Read(ref _closeStreams);

    /// <summary>The emulator dropped this connection's TCP connection (fault injection).</summary>
    public bool Aborted => Volatile.Read(ref _aborted) != 0;

    /// <summary>The connection is over (closed or aborted).</summary>
    public bool Ended => Volatile.Read(ref _ended) != 0;

    /// <summary>Close code the emulator sent, if it sent one.</summary>
    public WebSocketCloseStatus? ServerCloseStatus => Status(ref _serverCloseStatus);

    /// <summary>Close code the client sent, if it sent one.</summary>
    public WebSocketCloseStatus? ClientCloseStatus => Status(ref _clientCloseStatus);

    internal void AddAudio(int bytes)
    {
        Interlocked.Add(ref _audioBytes, bytes);
        Interlocked.Increment(ref _audioFrames);
        _changed();
    }

    /// <summary>Every <c>speech_final</c> sent, with when the speech it ends had arrived: the stand-in's own endpointing time.</summary>
    public IReadOnlyList<DeepgramEmulatorEndpoint> Endpoints => Volatile.Read(ref _endpoints);

    internal void AddEndpoint(DeepgramEmulatorEndpoint endpoint)
    {
        ImmutableInterlocked.Update(ref _endpoints, static (list, e) => list.Add(e), endpoint);
        _changed(); // recorded once the send completed, which may be after the client read it: waiters are woken
    }

    internal void AddKeepAlive() => Bump(ref _keepAlives);
    internal void AddFinalize() => Bump(ref _finalizes);
    internal void AddCloseStream() => Bump(ref _closeStreams);
    internal void MarkAborted() => Bump(ref _aborted);
    internal void MarkEnded() => Bump(ref _ended);

    internal void SetServerClose(WebSocketCloseStatus status)
    {
        Volatile.Write(ref _serverCloseStatus, (int)status);
        _changed();
    }

    internal void SetClientClose(WebSocketCloseStatus? status)
    {
        Volatile.Write(ref _clientCloseStatus, (int)(status ?? WebSocketCloseStatus.Empty));
        _changed();
    }

    private void Bump(ref int counter)
    {
        Interlocked.Increment(ref counter);
        _changed();
    }

    private static WebSocketCloseStatus? Status(ref int field)
    {
        var value = Volatile.Read(ref field);
        return value < 0 ? null : (WebSocketCloseStatus)value;
    }
}
