using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Observability;
using VoiceAgent.Observability.Cost;
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
    PlayoutScheduler playoutScheduler,
    SessionPersistence? sessionStore = null)
{
    public TimeProvider Clock => sessions.Clock;
    public ICallLocales Locales => locales;
    /// <summary>
    /// Reads the session store once for a starting call and picks what the pipeline says first: the reconnect line when
    /// this CallSid comes back after its stream dropped, the call-back offer when the caller rang back within the window,
    /// else the welcome greeting. The same lookup goes to the engine with <c>CallStarted</c>, so its history records the
    /// line actually spoken and the store is not read twice.
    /// </summary>
    public async Task<(SessionLookup Lookup, string? Greeting)> LookUpAsync(CallInfo call, CancellationToken cancellationToken)
    {
        var opening = Telephony.Outbound.OutboundParameters.OpeningOf(call); // an outbound call opens with its own line
        var first = opening ?? agent.WelcomeGreeting;
        if (sessionStore is null) return (SessionLookup.None, first);
        var lookup = await sessionStore.LookUpAsync(call.CallSid, call.From, cancellationToken);
        // From is our own caller ID on an outbound call: never a call-back (the engine makes the same decision).
        var greeting = lookup.Resumable is not null ? agent.ReconnectLine : opening is null && lookup.Previous is not null ? agent.CallbackGreeting : first;
        return (lookup, greeting);
    }
    public ILogger Logger { get; } = loggers.CreateLogger<AudioCall>();

    public (CallSession Session, SpeechPipeline Pipeline) Create(IAudioTransport carrier, string transportName)
    {
        var telemetry = sessions.CreateTelemetry(transportName);
        // STT and TTS are metered per call (audio seconds and characters for the call's cost).
        var pipeline = new SpeechPipeline(carrier, new MeteredSpeechToText(stt, telemetry.Usage), new MeteredTextToSpeech(tts, telemetry.Usage), options, locales,
            sessions.Clock, playoutScheduler, metrics, loggers.CreateLogger<SpeechPipeline>(), transportName) { PlaybackObserver = telemetry };
        var session = sessions.Create(pipeline, transportName, telemetry);
        pipeline.Attach(session.PostAsync);
        return (session, pipeline);
    }
}
