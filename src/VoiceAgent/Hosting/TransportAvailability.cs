namespace VoiceAgent.Hosting;

/// <summary>
/// Which transports this deployment can serve, from the provider keys in effect (after any emulators filled
/// in). ConversationRelay needs the model only (Twilio does speech); Media Streams and Vonage also need
/// Deepgram and ElevenLabs. A transport that is not available refuses its calls instead of faking them.
/// </summary>
public sealed record TransportAvailability
{
    /// <summary>Settings missing for ConversationRelay; empty when it is served.</summary>
    public IReadOnlyList<string> RelayMissing { get; init; } = [];

    /// <summary>Settings missing for the audio transports (Media Streams, Vonage); empty when they are served.</summary>
    public IReadOnlyList<string> AudioMissing { get; init; } = [];

    public bool Relay => RelayMissing.Count == 0;
    public bool Audio => AudioMissing.Count == 0;

    public static TransportAvailability From(VoiceAgentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var model = new List<string>();
        var modelKey = settings.EffectiveLlmProvider == "openai" ? settings.OpenAIApiKey : settings.AnthropicApiKey;
        if (modelKey is null)
            model.Add(settings.LlmProvider is null ? "ANTHROPIC_API_KEY (or OPENAI_API_KEY)" : settings.EffectiveLlmProvider == "openai" ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY");
        var audio = new List<string>(model);
        if (settings.DeepgramApiKey is null) audio.Add("DEEPGRAM_API_KEY");
        if (settings.ElevenLabsApiKey is null) audio.Add("ELEVENLABS_API_KEY");
        return new TransportAvailability { RelayMissing = model, AudioMissing = audio };
    }
}
