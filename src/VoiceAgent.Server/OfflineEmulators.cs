namespace VoiceAgent.Server;

/// <summary>The local provider emulators the offline mode (or USE_EMULATORS) started; stopped with the server.</summary>
internal sealed class OfflineEmulators(IReadOnlyList<IAsyncDisposable> emulators) : IHostedService
{
    /// <summary>How many emulators this server started (0 in any deployment with a real provider key).</summary>
    public int Count => emulators.Count;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var emulator in emulators) await emulator.DisposeAsync();
    }
}
