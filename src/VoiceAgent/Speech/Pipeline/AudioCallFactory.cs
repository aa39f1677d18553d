using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Observability;
using VoiceAgent.Storage.Sessions;

namespace VoiceAgent.Speech.Pipeline;

/// <summary>Builds an audio call: the shared conversation engine behind a speech pipeline on a carrier's audio.</summary>
internal sealed class AudioCallFactory(
    CallSessionFactory sessions,
    ISpeechToText stt,
    ITextToSpeech tts,
    SpeechPipelineOptions options,
    ICallLocales locales,
    AgentOptions agent,
    VoiceAgentMetrics metrics,
    ILoggerFactory loggers,
    SessionPersistence? sessionStore = null)
{
    public TimeProvider Clock => sessions.Clock;
    public ICallLocales Locales => locales;
    /// <summary>
    /// What the pipeline says first: the reconnect line when this CallSid comes back after its stream dropped, the
    /// call-back offer when the caller rang back within the window, else the welcome greeting. The engine makes the
    /// same decision from the same store, so its history records the line actually spoken.
    /// </summary>
    public async Task<string?> GreetingForAsync(CallInfo call, CancellationToken cancellationToken)
    {
        var first = Telephony.Outbound.OutboundParameters.OpeningOf(call) ?? agent.WelcomeGreeting; // an outbound call opens with its own line
        if (sessionStore is null) return first;
        if (await sessionStore.FindResumableAsync(call.CallSid, cancellationToken) is not null) return agent.ReconnectLine;
        if (first != agent.WelcomeGreeting) return first; // From is our own caller ID on an outbound call: never a call-back
        if (await sessionStore.FindCallbackAsync(call.From, call.CallSid, cancellationToken) is not null) return agent.CallbackGreeting;
        return first;
    }
    public ILogger Logger { get; } = loggers.CreateLogger<AudioCall>();

    public (CallSession Session, SpeechPipeline Pipeline) Create(IAudioTransport carrier, string transportName)
    {
        var pipeline = new SpeechPipeline(carrier, stt, tts, options, locales, sessions.Clock, metrics, loggers.CreateLogger<SpeechPipeline>(), transportName);
        var session = sessions.Create(pipeline, transportName);
        pipeline.Attach(session.PostAsync);
        return (session, pipeline);
    }
}
