using Microsoft.Extensions.Logging;

namespace VoiceAgent.Hosting.Memory;

/// <summary>Logs of the memory reclaimer (event ids 6350-6351).</summary>
internal static partial class MemoryReclaimLog
{
    [LoggerMessage(EventId = 6350, Level = LogLevel.Information,
        Message = "A wave of calls ended ({Peak} live at most, none now): compacting collection, GC committed {BeforeMb} MB -> {AfterMb} MB")]
    public static partial void Compacted(ILogger logger, int peak, long beforeMb, long afterMb);

    [LoggerMessage(EventId = 6351, Level = LogLevel.Information,
        Message = "A wave of calls ended ({Peak} live at most, {Live} now): background collection started, GC committed {BeforeMb} MB at the last collection")]
    public static partial void BackgroundStarted(ILogger logger, int peak, int live, long beforeMb);
}
