namespace VoiceAgent.Emulators.Audio;

/// <summary>
/// How the server's outbound audio arrived at the emulated phone: enough to check that a server streams
/// audio promptly and evenly (a TTS stall shows up as <see cref="MaxGap"/>).
/// </summary>
/// <param name="Messages">Audio messages accepted.</param>
/// <param name="Bytes">Audio bytes accepted (wire format).</param>
/// <param name="FirstReceivedAt">Arrival of the first message, since the call started; null before any.</param>
/// <param name="LastReceivedAt">Arrival of the latest message, since the call started; null before any.</param>
/// <param name="AverageGap">Mean time between consecutive messages (zero with fewer than two).</param>
/// <param name="MaxGap">Longest time between two consecutive messages.</param>
public sealed record ServerAudioStatistics(int Messages, long Bytes, TimeSpan? FirstReceivedAt, TimeSpan? LastReceivedAt, TimeSpan AverageGap, TimeSpan MaxGap)
{
    /// <summary>No audio yet.</summary>
    public static ServerAudioStatistics Empty { get; } = new(0, 0, null, null, TimeSpan.Zero, TimeSpan.Zero);
}
