using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VoiceAgent.Storage.Sessions;

namespace VoiceAgent.Hosting.Admin;

/// <summary><c>GET /admin/calls</c>: the live calls in the session store (every instance's, with Redis) and their state.</summary>
internal static class AdminCallsEndpoint
{
    public const string Path = "/admin/calls";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, async (ISessionStore store, SessionWriter writer, TimeProvider clock, CancellationToken ct) =>
        {
            IReadOnlyList<SessionSnapshot> active;
            try
            {
                active = await store.ListActiveAsync(ct);
            }
            catch (SessionStoreUnavailableException)
            {
                return Results.Problem("The session store is unreachable; live calls go on in process but cannot be listed.", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            var now = clock.GetUtcNow();
            var calls = active.Select(s => new LiveCallView(
                s.CallSid, s.Transport, s.Status.ToString().ToLowerInvariant(), PhoneNumberMask.Mask(s.From), PhoneNumberMask.Mask(s.To), s.Locale,
                s.TurnCount, s.Turns.Count, s.ConsentDecision, s.PendingHandoff is not null, s.Instance,
                s.StartedAt, s.UpdatedAt, Math.Round((now - s.StartedAt).TotalSeconds, 1))).ToArray();
            return Results.Ok(new LiveCallsView(calls.Length, writer.IsDegraded, calls));
        }).RequireAdminToken();
    }
}

internal sealed record LiveCallsView(int Count, bool StoreDegraded, IReadOnlyList<LiveCallView> Calls);

internal sealed record LiveCallView(
    string CallSid, string Transport, string Status, string? From, string? To, string? Locale,
    int TurnCount, int StoredTurns, string? ConsentDecision, bool HandoffPending, string? Instance,
    DateTimeOffset StartedAt, DateTimeOffset UpdatedAt, double DurationSeconds);
