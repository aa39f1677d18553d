using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Observability;

namespace VoiceAgent.Speech.Pipeline;

/// <summary>Builds an audio call: the shared conversation engine behind a speech pipeline on a carrier's audio.</summary>
internal sealed class AudioCallFactory(
    CallSessionFactory sessions,
    ISpeechToText stt,
    ITextToSpeech tts,
    SpeechPipelineOptions options,
    LocaleTable locales,
    AgentOptions agent,
    VoiceAgentMetrics metrics,
    ILoggerFactory loggers)
{
    public TimeProvider Clock => sessions.Clock;
    public LocaleTable Locales => locales;
    public string? Greeting => agent.WelcomeGreeting;
    public ILogger Logger { get; } = loggers.CreateLogger<AudioCall>();

    public (CallSession Session, SpeechPipeline Pipeline) Create(IAudioTransport carrier, string transportName)
    {
        var pipeline = new SpeechPipeline(carrier, stt, tts, options, locales, sessions.Clock, metrics, loggers.CreateLogger<SpeechPipeline>(), transportName);
        var session = sessions.Create(pipeline, transportName);
        pipeline.Attach(session.PostAsync);
        return (session, pipeline);
    }
}
