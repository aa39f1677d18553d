namespace VoiceAgent.Emulators.Vonage;

/// <summary>A valid message the server sent: an audio frame or a command.</summary>
/// <param name="Kind"><c>audio</c> for a binary audio frame, else the command's <c>action</c> (<c>clear</c>, <c>notify</c>).</param>
/// <param name="Json">The command as received; null for audio.</param>
/// <param name="Length">Bytes in the message.</param>
/// <param name="ReceivedAt">Arrival time, since the call started.</param>
public sealed record VonageReceivedFrame(string Kind, string? Json, int Length, TimeSpan ReceivedAt);
