using System.Threading.Channels;

namespace VoiceAgent.Observability.Live;

/// <summary>One reader of the live event stream; disposing it unsubscribes.</summary>
internal sealed class Subscription(ChannelReader<LiveCallEvent> events, Action leave) : IDisposable
{
    public ChannelReader<LiveCallEvent> Events { get; } = events;
    public void Dispose() => leave();
}
