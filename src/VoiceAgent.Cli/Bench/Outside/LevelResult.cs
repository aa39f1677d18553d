namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>What one server did at one load level. Null figures could not be read (a running server without a pid).</summary>
internal sealed record LevelResult
{
    /// <summary>The server and, with <c>--model-http</c>, the model HTTP version, as the tables name the row.</summary>
    public string Label => ModelHttp is null ? Target : $"{Target} h{ModelHttp}";

    public required string Target { get; init; }
    public required string Source { get; init; }
    /// <summary>The MODEL_HTTP_VERSION the server ran with (<c>--model-http</c>); null: its default.</summary>
    public string? ModelHttp { get; init; }
    /// <summary>TCP connections the model stand-in accepted during the level (not counting the first-call probe).</summary>
    public int? ModelConnections { get; init; }
    public required int Calls { get; init; }
    public required int Turns { get; init; }
    public required int FailedTurns { get; init; }
    public string? FirstFailure { get; init; }
    public required LatencyStats IngressMs { get; init; }
    public required LatencyStats EgressMs { get; init; }
    public required LatencyStats TokenRelayMs { get; init; }
    /// <summary>Per turn, ingress + egress: everything the server adds before the caller hears the reply start (the "p99 ingress + egress").</summary>
    public required LatencyStats ServerAddedMs { get; init; }
    public required double DurationSeconds { get; init; }
    public double? CpuMsPerTurn { get; init; }
    /// <summary>Server CPU over the level as a share of one core, in percent.</summary>
    public double? CpuPercentOfCore { get; init; }
    public double? AllocatedBytesPerTurn { get; init; }
    public long? Gen0Collections { get; init; }
    public long? Gen1Collections { get; init; }
    public long? Gen2Collections { get; init; }
    /// <summary>Time the GC paused the server during the level, in ms.</summary>
    public double? GcPauseMs { get; init; }
    /// <summary>Thread-pool work items the server completed per turn (its thread hops, its own and the framework's).</summary>
    public double? ThreadPoolItemsPerTurn { get; init; }
    /// <summary>The largest one-second mean of the server's thread-pool queue: work waiting for a thread (CPU saturation or blocking).</summary>
    public double? ThreadPoolQueueMax { get; init; }
    public long? LockContentions { get; init; }
    /// <summary>With <c>--alloc-top N</c>: the N types allocating most, in sampled bytes per turn.</summary>
    public IReadOnlyList<AllocatedType>? TopAllocations { get; init; }
    public double? RssBeforeMb { get; init; }
    public double? RssPeakMb { get; init; }
    /// <summary>(peak VmRSS during the level − VmRSS before it) / calls.</summary>
    public double? RssPerCallKb { get; init; }
    /// <summary>Cold start: ingress + egress of the first turn of the first call after the server started.</summary>
    public double? FirstTurnMs { get; init; }
    /// <summary>Median ingress + egress of the later turns of that first call.</summary>
    public double? LaterTurnsMedianMs { get; init; }
}

/// <summary>One allocated type and its sampled bytes per turn (allocation ticks: a statistical estimate, not a count).</summary>
internal sealed record AllocatedType(string Type, double BytesPerTurn);
