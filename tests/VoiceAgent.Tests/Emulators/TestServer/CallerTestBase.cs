using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EmulatorsTests.TestServer;

/// <summary>A scripted server on a loopback port per test, and a test-wide timeout token.</summary>
[Collection(RealTimeCollection.Name)]
public abstract class CallerTestBase : IAsyncLifetime, IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TaskTimeoutExtensions.DefaultTimeoutSpan);

    internal ScriptedWebSocketServer Server { get; } = new();

    /// <summary>Cancelled when the test has run for the default timeout.</summary>
    protected CancellationToken Timeout => _timeout.Token;

    public Task InitializeAsync() => Server.StartAsync(cancellationToken: Timeout);

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public void Dispose()
    {
        _timeout.Dispose();
        GC.SuppressFinalize(this);
    }
}
