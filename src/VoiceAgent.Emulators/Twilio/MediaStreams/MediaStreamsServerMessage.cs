namespace VoiceAgent.Emulators.Twilio.MediaStreams;

/// <summary>
/// Any frame a server sends to Twilio on a bidirectional stream (<c>media</c>, <c>mark</c>, <c>clear</c>),
/// read leniently so that every field can be checked and a wrong one reported.
/// </summary>
internal sealed class MediaStreamsServerMessage
{
    public string? Event { get; init; }

    public string? StreamSid { get; init; }

    public ServerMedia? Media { get; init; }

    public ServerMark? Mark { get; init; }

    internal sealed class ServerMedia
    {
        public string? Payload { get; init; }
    }

    internal sealed class ServerMark
    {
        public string? Name { get; init; }
    }
}
