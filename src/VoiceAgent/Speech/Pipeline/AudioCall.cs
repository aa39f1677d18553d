using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Observability;

namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// One audio call in progress, whatever the carrier: the engine's loop and the speech pipeline in front of it,
/// started together and torn down together. Disposing it is the call's edge: a failure inside is logged here and
/// ends only this call.
/// </summary>
internal sealed partial class AudioCall : IAsyncDisposable
{
    private readonly Task _run;
    private readonly CancellationTokenSource _life;
    private readonly ILogger _logger;

    private AudioCall(CallSession session, SpeechPipeline pipeline, ILogger logger, CancellationToken callToken)
    {
        Session = session;
        Pipeline = pipeline;
        _logger = logger;
        _life = CancellationTokenSource.CreateLinkedTokenSource(callToken);
        _run = session.RunAsync(_life.Token);
    }

    public CallSession Session { get; }
    public SpeechPipeline Pipeline { get; }

    /// <summary>The engine's loop: completes once the call's session has ended.</summary>
    public Task Completion => _run;

    public static async Task<AudioCall> StartAsync(AudioCallFactory calls, IAudioTransport carrier, string transportName, CallInfo call, CancellationToken callToken)
    {
        var (session, pipeline) = calls.Create(carrier, transportName);
        var audioCall = new AudioCall(session, pipeline, calls.Logger, callToken);
        var locale = await calls.Locales.ResolveAsync(call.From, call.Parameters, callToken); // read per call: table edits need no deploy
        var (lookup, greeting) = await calls.LookUpAsync(call, callToken); // read once; the engine gets the same answer
        await pipeline.StartAsync(call, locale, greeting, lookup, callToken);
        return audioCall;
    }

    public async ValueTask DisposeAsync()
    {
        Session.CompleteInput();
        await _life.CancelAsync();
        try { await _run; }
        catch (Exception ex) { LogCallFailed(_logger, Session.CallId, ex); }
        await Pipeline.DisposeAsync();
        _life.Dispose();
    }

    [LoggerMessage(EventId = EventIds.CallFailed + 30, Level = LogLevel.Error, Message = "Call {CallId} (audio) failed")]
    private static partial void LogCallFailed(ILogger logger, string callId, Exception exception);
}
