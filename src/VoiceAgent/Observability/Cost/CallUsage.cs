using Microsoft.Extensions.AI;

namespace VoiceAgent.Observability.Cost;

/// <summary>
/// What one call used, counted as it happens: audio sent to speech-to-text, characters sent to text-to-speech, and
/// the model's token counts from the providers' usage fields (Anthropic <c>message_start</c>/<c>message_delta</c>
/// usage, OpenAI's final usage chunk), per model. Safe to add to from the call's several loops.
/// </summary>
internal sealed class CallUsage
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ModelTokens> _models = new(StringComparer.Ordinal);
    private long _sttAudioTicks;
    private long _ttsCharacters;

    public TimeSpan SttAudio => TimeSpan.FromTicks(Interlocked.Read(ref _sttAudioTicks));
    public long TtsCharacters => Interlocked.Read(ref _ttsCharacters);

    public void AddSttAudio(TimeSpan audio) => Interlocked.Add(ref _sttAudioTicks, audio.Ticks);

    public void AddTtsCharacters(int characters) => Interlocked.Add(ref _ttsCharacters, characters);

    /// <summary>
    /// Adds one usage report. <see cref="UsageDetails.InputTokenCount"/> counts all input tokens, cached ones included
    /// (the Microsoft.Extensions.AI convention both providers' clients follow); cached ones are priced apart.
    /// </summary>
    public void AddModel(string model, UsageDetails usage)
    {
        lock (_gate)
        {
            _models.TryGetValue(model, out var tokens);
            _models[model] = tokens + new ModelTokens(usage.InputTokenCount ?? 0, usage.CachedInputTokenCount ?? 0, usage.OutputTokenCount ?? 0);
        }
    }

    public IReadOnlyDictionary<string, ModelTokens> Models
    {
        get { lock (_gate) return new Dictionary<string, ModelTokens>(_models, StringComparer.Ordinal); }
    }
}

/// <summary>Token counts of one model: input (cached included), the cached part of it, output.</summary>
internal readonly record struct ModelTokens(long Input, long CachedInput, long Output)
{
    public static ModelTokens operator +(ModelTokens a, ModelTokens b) => new(a.Input + b.Input, a.CachedInput + b.CachedInput, a.Output + b.Output);
}
