using Microsoft.Extensions.AI;

namespace VoiceAgent.Providers.Resilience;

/// <summary>One model lane to warm at start-up: its HTTP client (whose pool gets a connection), origin, client stack and canned-reply switch.</summary>
internal sealed record ModelWarmupTarget(string Provider, HttpClient Http, Uri BaseUrl, IChatClient Client, ModelWarmupHandler Handler);

/// <summary>The lanes <see cref="Hosting.ModelRegistration"/> built, for <see cref="Hosting.Warmup.ModelWarmup"/>.</summary>
internal sealed class ModelWarmupTargets
{
    private readonly List<ModelWarmupTarget> _targets = [];

    public IReadOnlyList<ModelWarmupTarget> All
    {
        get { lock (_targets) return [.. _targets]; }
    }

    public void Add(ModelWarmupTarget target)
    {
        lock (_targets) _targets.Add(target);
    }
}
