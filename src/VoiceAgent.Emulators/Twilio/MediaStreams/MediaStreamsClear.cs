namespace VoiceAgent.Emulators.Twilio.MediaStreams;

/// <summary>A <c>clear</c> the server sent.</summary>
/// <param name="ReceivedAt">Arrival time, since the call started.</param>
/// <param name="DiscardedBytes">μ-law bytes dropped from the playout buffer unplayed.</param>
/// <param name="MarksEchoed">Outstanding marks echoed at once because of it, in order.</param>
public sealed record MediaStreamsClear(TimeSpan ReceivedAt, long DiscardedBytes, IReadOnlyList<string> MarksEchoed);
