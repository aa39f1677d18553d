namespace VoiceAgent.Emulators.Audio;

/// <summary>
/// Audio the emulated phone played out to the caller during one 20 ms line tick, in the call's wire format
/// (μ-law 8 kHz for Twilio, 16-bit PCM for Vonage). Ticks with nothing to play record nothing.
/// </summary>
/// <param name="PlayedAt">When playout of these bytes began, since the call started: the line tick's place in stream time (deadline of the 20 ms frame), not when a late-woken line loop got to it.</param>
/// <param name="Audio">The bytes played (at most one frame; less when the buffer ran dry).</param>
public sealed record HeardAudioChunk(TimeSpan PlayedAt, ReadOnlyMemory<byte> Audio);
