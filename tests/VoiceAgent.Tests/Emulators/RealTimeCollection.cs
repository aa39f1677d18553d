namespace VoiceAgent.Tests.EmulatorsTests;

/// <summary>
/// The caller tests measure real-time pacing, so they run one at a time and after the parallel tests,
/// keeping the two shared cores free for the 20 ms clock.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealTimeCollection
{
    public const string Name = "Real-time emulated callers";
}
