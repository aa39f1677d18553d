using System.Text.Json.Serialization;
using VoiceAgent.Observability.Live;

namespace VoiceAgent.Hosting.Dashboard;

/// <summary>What the dashboard's API and event stream send, camelCase, nulls left out.</summary>
[JsonSerializable(typeof(DashboardSnapshot))]
[JsonSerializable(typeof(LiveCallEvent))]
[JsonSerializable(typeof(DashboardHealthView))]
[JsonSerializable(typeof(DashboardTranscriptView))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;

/// <summary>Provider health as <c>/readyz</c> checks it (cached 5 s), plus the live subscribers.</summary>
internal sealed record DashboardHealthView(string Status, IReadOnlyList<DashboardHealthCheck> Checks);

internal sealed record DashboardHealthCheck(string Name, string Origin, bool Reachable, string? Error);

/// <summary>A stored transcript for the page: the lines only (phone numbers stay out of the page).</summary>
internal sealed record DashboardTranscriptView(string CallSid, string Transport, DateTimeOffset StartedAt, DateTimeOffset EndedAt, IReadOnlyList<DashboardTranscriptLine> Lines);

internal sealed record DashboardTranscriptLine(DateTimeOffset At, string Kind, string Text, bool Interrupted);
