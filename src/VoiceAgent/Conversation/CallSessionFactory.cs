namespace VoiceAgent.Conversation;

/// <summary>Creates the engine for each new call; singleton, holds what all calls share.</summary>
internal sealed class CallSessionFactory(CallSessionDependencies dependencies)
{
    public TimeProvider Clock => dependencies.Clock;

    public CallSession Create(ICallTransport transport, string transportName)
        => new(dependencies, transport, transportName, provisionalCallId: "pending-" + Guid.NewGuid().ToString("N")[..12]);
}
