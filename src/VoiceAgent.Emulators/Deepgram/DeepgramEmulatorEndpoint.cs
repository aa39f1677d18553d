namespace VoiceAgent.Emulators.Deepgram;

/// <summary>
/// One endpoint the emulator reported (a result with <c>speech_final</c>), on its clock
/// (<see cref="TimeProvider.GetTimestamp"/>): <paramref name="SpeechEndArrivedAt"/> is when the audio frame holding the
/// end of the speech arrived, <paramref name="SentAt"/> when the result went onto the socket. Their difference is the
/// stand-in's own share of a turn: the endpointing silence it waited for plus its result latency.
/// </summary>
public readonly record struct DeepgramEmulatorEndpoint(long SpeechEndArrivedAt, long SentAt);
