namespace VoiceAgent.Hosting.Memory;

/// <summary>When a wave of calls counts as ended (see <see cref="WaveEndPolicy"/>); from <c>MEMORY_RECLAIM_*</c>.</summary>
internal sealed record MemoryReclaimOptions(int AfterEndedCalls, TimeSpan Quiet);
