using Microsoft.Extensions.AI;

namespace VoiceAgent.Providers.Resilience;

/// <summary>
/// What the first-token race did for one request, attached to the first update it forwards (under
/// <see cref="PropertyKey"/> in <see cref="ChatResponseUpdate.AdditionalProperties"/>) so the turn can put it
/// on its timeline. Only present when a second request was started.
/// </summary>
/// <param name="Outcome">Which request won.</param>
/// <param name="Trigger">Why the second request was started.</param>
/// <param name="WinnerProvider">The provider whose reply the caller hears.</param>
/// <param name="SecondRequestStartedAt">Timestamp (of the race's <see cref="TimeProvider"/>) when the second request was sent.</param>
public sealed record ModelRaceResult(ModelRaceOutcome Outcome, ModelRaceTrigger Trigger, string WinnerProvider, long SecondRequestStartedAt)
{
    /// <summary>Key of this record in the first forwarded update's additional properties.</summary>
    public const string PropertyKey = "voiceagent.model_race";

    /// <summary>The race result an update carries, if any.</summary>
    public static ModelRaceResult? Of(ChatResponseUpdate update)
        => update.AdditionalProperties?.TryGetValue(PropertyKey, out var value) == true ? value as ModelRaceResult : null;
}
