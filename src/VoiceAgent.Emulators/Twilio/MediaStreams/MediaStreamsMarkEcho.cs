namespace VoiceAgent.Emulators.Twilio.MediaStreams;

/// <summary>A <c>mark</c> the emulated Twilio sent back.</summary>
/// <param name="Name">The mark's name.</param>
/// <param name="ReceivedAt">When the server's mark arrived, since the call started.</param>
/// <param name="EchoedAt">When it was echoed: once all audio before it had played, or at a clear.</param>
/// <param name="DueToClear">True when a <c>clear</c> released it, so its audio was not (all) heard.</param>
public sealed record MediaStreamsMarkEcho(string Name, TimeSpan ReceivedAt, TimeSpan EchoedAt, bool DueToClear);
