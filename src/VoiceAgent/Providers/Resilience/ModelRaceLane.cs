using Microsoft.Extensions.AI;

namespace VoiceAgent.Providers.Resilience;

/// <summary>
/// One side of the first-token race: a model client and the request settings that belong to its provider.
/// </summary>
/// <param name="Provider">Provider name for logs and metric tags (<c>anthropic</c>, <c>openai</c>).</param>
/// <param name="Client">The client the request goes to (already wrapped in the stream watchdog).</param>
/// <param name="ModelId">The model this provider is asked for; null keeps the request's <see cref="ChatOptions.ModelId"/>.</param>
/// <param name="MaxOutputTokens">The output cap for this provider; null keeps the request's.</param>
internal sealed record ModelRaceLane(string Provider, IChatClient Client, string? ModelId = null, int? MaxOutputTokens = null)
{
    /// <summary>The request options for this lane: the caller's, with the model and cap swapped when this lane has its own.</summary>
    public ChatOptions? OptionsFor(ChatOptions? options)
    {
        if (ModelId is null && MaxOutputTokens is null) return options;
        var own = options?.Clone() ?? new ChatOptions();
        if (ModelId is not null) own.ModelId = ModelId;
        if (MaxOutputTokens is not null) own.MaxOutputTokens = MaxOutputTokens;
        return own;
    }
}
