using System.Collections.Immutable;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace VoiceAgent.Emulators.ElevenLabs;

/// <summary>
/// Everything the emulator saw and did on one connection. Written by the connection, read by tests
/// (safe while the connection runs; final once <see cref="Ended"/> completes).
/// </summary>
public sealed class ElevenLabsEmulatorSession
{
    private readonly Channel<ElevenLabsEmulatorFrame> _arrivals = Channel.CreateUnbounded<ElevenLabsEmulatorFrame>();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ImmutableList<ElevenLabsEmulatorFrame> _frames = [];
    private ElevenLabsEmulatorBeginSettings? _begin;
    private ImmutableList<string> _generations = [];
    private string? _errorSent;
    private int? _rejectedWithStatus;
    private int _audioMessagesSent;
    private long _audioBytesSent;
    private long _firstAudioSentAt;
    private long _firstGenerationAt;
    private volatile bool _finalSent;
    private volatile bool _droppedByEmulator;
    private volatile bool _clientClosedEarly;
    private int _serverCloseStatus = -1;
    private int _clientCloseStatus = -1;

    internal ElevenLabsEmulatorSession(string voiceId, IReadOnlyDictionary<string, string> query, string? apiKeyHeader, long connectedAt)
    {
        VoiceId = voiceId;
        Query = query;
        ApiKeyHeader = apiKeyHeader;
        ConnectedAt = connectedAt;
    }

    /// <summary>The <c>{voice_id}</c> path segment.</summary>
    public string VoiceId { get; }

    /// <summary>Every query parameter of the upgrade request (last value wins).</summary>
    public IReadOnlyDictionary<string, string> Query { get; }

    /// <summary>The <c>xi-api-key</c> upgrade header, if any.</summary>
    public string? ApiKeyHeader { get; }

    /// <summary>Upgrade request time (emulator clock timestamp).</summary>
    public long ConnectedAt { get; }

    /// <summary>The HTTP status the upgrade was rejected with (fault), or null when it was accepted.</summary>
    public int? RejectedWithStatus { get => _rejectedWithStatus; internal set => _rejectedWithStatus = value; }

    /// <summary>The BOS settings, once a valid BOS arrived.</summary>
    public ElevenLabsEmulatorBeginSettings? Begin { get => Volatile.Read(ref _begin); internal set => Volatile.Write(ref _begin, value); }

    /// <summary>Every client frame, BOS and EOS included, in arrival order.</summary>
    public IReadOnlyList<ElevenLabsEmulatorFrame> Frames => Volatile.Read(ref _frames);

    /// <summary>Text frames with <c>flush: true</c> arrived.</summary>
    public bool FlushReceived => Frames.Any(f => f.Flush);

    /// <summary><c>{"text":""}</c> arrived.</summary>
    public bool EndOfStreamReceived => Frames.Any(f => f.Kind == ElevenLabsEmulatorFrameKind.EndOfStream);

    /// <summary>Each generation's text, in order: what a schedule threshold, a flush or the EOS released.</summary>
    public IReadOnlyList<string> Generations => Volatile.Read(ref _generations);

    /// <summary>Everything turned into audio so far, in order.</summary>
    public string SpokenText => string.Concat(Generations);

    /// <summary>Audio messages sent.</summary>
    public int AudioMessagesSent => Volatile.Read(ref _audioMessagesSent);

    /// <summary>Decoded audio bytes sent.</summary>
    public long AudioBytesSent => Interlocked.Read(ref _audioBytesSent);

    /// <summary>When the first audio message went out (emulator clock timestamp), or 0.</summary>
    public long FirstAudioSentAt => Interlocked.Read(ref _firstAudioSentAt);

    /// <summary>
    /// When the stream's first generation started (its text was complete by the chunk schedule or a flush), on the
    /// emulator's clock; 0 if none. <see cref="FirstAudioSentAt"/> minus this is the stand-in's own time to first audio.
    /// </summary>
    public long FirstGenerationAt => Interlocked.Read(ref _firstGenerationAt);

    /// <summary>The final message (<c>isFinal: true</c>) was sent.</summary>
    public bool FinalSent => _finalSent;

    /// <summary>The <c>error</c> value of the error frame the emulator sent, if it sent one.</summary>
    public string? ErrorSent => Volatile.Read(ref _errorSent);

    /// <summary>The emulator aborted the connection (fault).</summary>
    public bool DroppedByEmulator => _droppedByEmulator;

    /// <summary>Close status the emulator sent, if it closed.</summary>
    public WebSocketCloseStatus? ServerCloseStatus => ToStatus(Volatile.Read(ref _serverCloseStatus));

    /// <summary>The client closed or dropped the socket before the emulator finished or closed it (barge-in).</summary>
    public bool ClientClosedEarly => _clientClosedEarly;

    /// <summary>Close status in the client's close frame, if it sent one.</summary>
    public WebSocketCloseStatus? ClientCloseStatus => ToStatus(Volatile.Read(ref _clientCloseStatus));

    /// <summary>Completes when the connection is over.</summary>
    public Task Ended => _ended.Task;

    /// <summary>Waits for the next frame that arrived and was not read yet.</summary>
    public ValueTask<ElevenLabsEmulatorFrame> ReadFrameAsync(CancellationToken cancellationToken)
        => _arrivals.Reader.ReadAsync(cancellationToken);

    /// <summary>Reads arrivals until one matches (frames skipped on the way are still in <see cref="Frames"/>).</summary>
    public async Task<ElevenLabsEmulatorFrame> WaitForFrameAsync(Func<ElevenLabsEmulatorFrame, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            var frame = await ReadFrameAsync(cancellationToken);
            if (match(frame)) return frame;
        }
    }

    internal void RecordFrame(ElevenLabsEmulatorFrame frame)
    {
        Volatile.Write(ref _frames, _frames.Add(frame));
        _arrivals.Writer.TryWrite(frame);
    }

    internal void RecordGeneration(string text, long at)
    {
        Interlocked.CompareExchange(ref _firstGenerationAt, at, 0);
        Volatile.Write(ref _generations, _generations.Add(text));
    }

    internal void RecordAudioMessage(int bytes, long sentAt)
    {
        Interlocked.CompareExchange(ref _firstAudioSentAt, sentAt, 0);
        Interlocked.Add(ref _audioBytesSent, bytes);
        Interlocked.Increment(ref _audioMessagesSent);
    }

    internal void RecordFinalSent() => _finalSent = true;

    internal void RecordErrorSent(string code) => Volatile.Write(ref _errorSent, code);

    internal void RecordServerClose(WebSocketCloseStatus status) => Interlocked.CompareExchange(ref _serverCloseStatus, (int)status, -1);

    internal void RecordDropped() => _droppedByEmulator = true;

    internal void RecordClientClose(WebSocketCloseStatus? status)
    {
        if (status is { } s) Interlocked.CompareExchange(ref _clientCloseStatus, (int)s, -1);
        if (!_finalSent && !_droppedByEmulator && Volatile.Read(ref _serverCloseStatus) == -1) _clientClosedEarly = true;
    }

    internal void End()
    {
        _arrivals.Writer.TryComplete();
        _ended.TrySetResult();
    }

    private static WebSocketCloseStatus? ToStatus(int value) => value < 0 ? null : (WebSocketCloseStatus)value;
}
