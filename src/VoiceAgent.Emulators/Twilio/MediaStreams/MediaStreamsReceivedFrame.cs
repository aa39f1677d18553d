namespace VoiceAgent.Emulators.Twilio.MediaStreams;

/// <summary>A valid frame the server sent (<c>media</c>, <c>mark</c> or <c>clear</c>).</summary>
/// <param name="Event">The frame's <c>event</c>.</param>
/// <param name="Json">The frame as received.</param>
/// <param name="ReceivedAt">Arrival time, since the call started.</param>
public sealed record MediaStreamsReceivedFrame(string Event, string Json, TimeSpan ReceivedAt);
