namespace VoiceAgent.Server;

/// <summary>The local provider emulators offline mode started; stopped with the server.</summary>
internal sealed class OfflineEmulators(IReadOnlyList<IAsyncDisposable> emulators) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var emulator in emulators) await emulator.DisposeAsync();
    }
}
