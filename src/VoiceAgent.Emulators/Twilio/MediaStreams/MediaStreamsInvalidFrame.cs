namespace VoiceAgent.Emulators.Twilio.MediaStreams;

/// <summary>A frame from the server that Twilio would drop (the call goes on).</summary>
/// <param name="Frame">The text received, or a description of a binary frame.</param>
/// <param name="Reason">What is wrong with it, e.g. "mark without name".</param>
/// <param name="ReceivedAt">Arrival time, since the call started.</param>
public sealed record MediaStreamsInvalidFrame(string Frame, string Reason, TimeSpan ReceivedAt);
