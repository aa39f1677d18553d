using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Conversation;
using VoiceAgent.Observability;

namespace VoiceAgent.Tests.TestSupport;

/// <summary>Feeds events to one CallSession and exposes what it sends: frames in, expected frames out.</summary>
public sealed class SessionHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _run;

    internal SessionHarness(IChatClient model, AgentOptions? agent = null, ChatOptions? options = null, CallCapabilities capabilities = RecordingTransport.AllCapabilities, RecordingTransport? transport = null)
    {
        Transport = transport ?? new RecordingTransport { Capabilities = capabilities };
        var deps = new CallSessionDependencies(model, options ?? new ChatOptions { MaxOutputTokens = 300 }, agent ?? new AgentOptions(),
            TimeProvider.System, new VoiceAgentMetrics(new TestMeterFactory()), NullLoggerFactory.Instance);
        Session = new CallSession(deps, Transport, "test", "pending-test", new CallSessionFactory(deps).CreateTelemetry("test"));
        _run = Session.RunAsync(_cts.Token);
    }

    public RecordingTransport Transport { get; }
    internal CallSession Session { get; }

    public Task PostAsync(ConversationEvent e) => Session.PostAsync(e, CancellationToken.None).AsTask().DefaultTimeout();

    public Task StartCallAsync(params (string Key, string Value)[] parameters)
        => PostAsync(new CallStarted(new CallInfo("CA-test", "+15550001111", "+15550002222", parameters.ToDictionary(p => p.Key, p => p.Value))));

    public Task SayAsync(string text) => PostAsync(new UserSaid(text, IsFinal: true));

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        await _run.DefaultTimeout();
        _cts.Dispose();
    }
}
