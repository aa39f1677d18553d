namespace VoiceAgent.Emulators.Vonage;

/// <summary>A message from the server that breaks the protocol; it was not played or acted on.</summary>
/// <param name="Frame">The text received, or a description of a binary message.</param>
/// <param name="Reason">What is wrong with it, e.g. a binary message that is not exactly one 20 ms frame.</param>
/// <param name="ReceivedAt">Arrival time, since the call started.</param>
public sealed record VonageInvalidFrame(string Frame, string Reason, TimeSpan ReceivedAt);
