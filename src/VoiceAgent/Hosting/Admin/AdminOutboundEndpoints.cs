using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VoiceAgent.Storage.Outbound;
using VoiceAgent.Telephony.Outbound;

namespace VoiceAgent.Hosting.Admin;

/// <summary>
/// Outbound calls on the admin API (bearer <c>ADMIN_TOKEN</c>): <c>POST /admin/calls</c> places one now;
/// <c>GET /admin/outbound/{id}</c> shows its status history; <c>/admin/campaign/entries</c> queues calls;
/// <c>/admin/do-not-call</c> keeps the do-not-call list. Numbers are never echoed back.
/// </summary>
internal static class AdminOutboundEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapPost("/calls", async (HttpRequest request, OutboundCalls calls, CancellationToken ct) =>
        {
            var body = await ReadAsync(request, ct);
            if (body.Error is not null) return BadRequest(body.Error);
            var result = await calls.DialAsync(new DialRequest(body.To!, body.Transport, body.Context), null, ct);
            return result.Outcome switch
            {
                DialOutcome.Placed => Results.Json(new PlacedCallView(result.CallSid!, result.OutboundId!, result.Detail), AdminOutboundJsonContext.Default.PlacedCallView, statusCode: StatusCodes.Status202Accepted),
                DialOutcome.Invalid => BadRequest(result.Detail),
                DialOutcome.DoNotCall => Results.Problem("The number is on the do-not-call list; the call was not placed.", statusCode: StatusCodes.Status409Conflict),
                DialOutcome.NotConfigured => Results.Problem($"Outbound calls are off: {result.Detail}.", statusCode: StatusCodes.Status503ServiceUnavailable),
                DialOutcome.Rejected => Results.Problem($"Twilio refused the call: {result.Detail}", statusCode: StatusCodes.Status502BadGateway),
                _ => Results.Problem($"Twilio could not be reached; the call was not placed: {result.Detail}", statusCode: StatusCodes.Status503ServiceUnavailable),
            };
        });

        admin.MapGet("/outbound/{id}", async (string id, OutboundCalls calls, CancellationToken ct) =>
        {
            if (await calls.FindAsync(id, ct) is not { } row) return Results.Problem($"No outbound call {id}.", statusCode: StatusCodes.Status404NotFound);
            var events = await calls.EventsAsync(id, ct);
            return Results.Json(new OutboundCallView(row.Id, row.CallSid, row.QueueId, row.Transport, row.Status, row.AnsweredBy, row.VoicemailLeft,
                events.Select(e => new CallEventView(e.Kind, e.Value, e.SequenceNumber, e.At)).ToArray()), AdminOutboundJsonContext.Default.OutboundCallView);
        });

        admin.MapPost("/campaign/entries", async (HttpRequest request, CampaignQueue queue, CancellationToken ct) =>
        {
            var body = await ReadAsync(request, ct);
            if (body.Error is not null) return BadRequest(body.Error);
            var (id, error) = await queue.EnqueueAsync(new DialRequest(body.To!, body.Transport, body.Context), body.TimeZone, ct);
            return id is { } entryId
                ? Results.Json(new QueuedView(entryId), AdminOutboundJsonContext.Default.QueuedView, statusCode: StatusCodes.Status201Created)
                : BadRequest(error!);
        });

        admin.MapGet("/campaign/entries", async (CampaignQueue queue, CancellationToken ct) =>
            Results.Json((await queue.ListAsync(ct)).Select(View).ToArray(), AdminOutboundJsonContext.Default.QueueEntryViewArray));

        admin.MapGet("/campaign/entries/{id:long}", async (long id, CampaignQueue queue, CancellationToken ct) =>
            await queue.GetAsync(id, ct) is { } entry
                ? Results.Json(View(entry), AdminOutboundJsonContext.Default.QueueEntryView)
                : Results.Problem($"No campaign entry {id}.", statusCode: StatusCodes.Status404NotFound));

        admin.MapPost("/do-not-call", async (HttpRequest request, CampaignQueue queue, CancellationToken ct) =>
        {
            var body = await ReadAsync(request, ct, numberKey: "number");
            if (body.Error is not null) return BadRequest(body.Error);
            await queue.AddDoNotCallAsync(body.To!, ct);
            return Results.NoContent();
        });

        admin.MapDelete("/do-not-call/{number}", async (string number, CampaignQueue queue, CancellationToken ct) =>
            !PhoneNumber.IsE164(number) ? BadRequest("the number must be E.164, e.g. +15558675310")
            : await queue.RemoveDoNotCallAsync(number, ct) ? Results.NoContent()
            : Results.Problem("The number is not on the do-not-call list.", statusCode: StatusCodes.Status404NotFound));
    }

    private static QueueEntryView View(QueueEntry e) => new(e.Id, e.State, e.Transport, e.TimeZone, e.Attempts, e.NextAttemptAt, e.CallSid, e.LastStatus);

    private static IResult BadRequest(string? detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>
    /// <c>{"to": "+1…", "transport": "relay"|"media", "context": {…}, "timeZone": "…"}</c>. Context values may be strings,
    /// numbers or booleans (application ids); they reach the model as text.
    /// </summary>
    private static async Task<Body> ReadAsync(HttpRequest request, CancellationToken ct, string numberKey = "to")
    {
        JsonDocument doc;
        try { doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct); }
        catch (JsonException ex) { return new Body(null, null, null, new Dictionary<string, string>(), "The body must be JSON: " + ex.Message); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Error("The body must be a JSON object.");
            var to = root.TryGetProperty(numberKey, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (!PhoneNumber.IsE164(to)) return Error($"'{numberKey}' must be an E.164 number such as +15558675310.");
            string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var context = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("context", out var c))
            {
                if (c.ValueKind != JsonValueKind.Object) return Error("'context' must be a JSON object of names to values.");
                foreach (var p in c.EnumerateObject())
                {
                    context[p.Name] = p.Value.ValueKind switch
                    {
                        JsonValueKind.String => p.Value.GetString()!,
                        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                        _ => "",
                    };
                    if (p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null)
                        return Error($"context value '{p.Name}' must be a string, number or boolean.");
                }
            }
            return new Body(to, Text("transport"), Text("timeZone"), context, null);
        }
    }

    private static Body Error(string error) => new(null, null, null, new Dictionary<string, string>(), error);

    private sealed record Body(string? To, string? Transport, string? TimeZone, IReadOnlyDictionary<string, string> Context, string? Error);
}

internal sealed record PlacedCallView(string CallSid, string OutboundId, string Status);
internal sealed record CallEventView(string Kind, string Value, int? SequenceNumber, DateTimeOffset At);
internal sealed record OutboundCallView(string Id, string? CallSid, long? QueueId, string Transport, string Status, string? AnsweredBy, bool VoicemailLeft, IReadOnlyList<CallEventView> Events);
internal sealed record QueuedView(long Id);
internal sealed record QueueEntryView(long Id, string State, string Transport, string TimeZone, int Attempts, DateTimeOffset NextAttemptAt, string? CallSid, string? LastStatus);

[JsonSerializable(typeof(PlacedCallView))]
[JsonSerializable(typeof(OutboundCallView))]
[JsonSerializable(typeof(QueuedView))]
[JsonSerializable(typeof(QueueEntryView))]
[JsonSerializable(typeof(QueueEntryView[]))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class AdminOutboundJsonContext : JsonSerializerContext;
