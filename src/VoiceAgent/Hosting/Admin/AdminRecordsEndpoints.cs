using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Storage;
using VoiceAgent.Storage.Records;

namespace VoiceAgent.Hosting.Admin;

/// <summary>
/// The records part of the admin API (mounted on the token-protected <c>/admin</c> group). Every action on
/// records names who and why: the reason is the <c>reason</c> query value or the <c>X-VoiceAgent-Reason</c>
/// header (required, 400 without), the actor the <c>X-VoiceAgent-Actor</c> header (default <c>admin</c>). Both
/// go to the audit log.
/// </summary>
internal static partial class AdminRecordsEndpoints
{
    public const string ReasonHeader = "X-VoiceAgent-Reason";
    public const string ActorHeader = "X-VoiceAgent-Actor";
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(15);

    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapGet("/calls/{callSid}/transcript", async (string callSid, HttpRequest request, TranscriptReader reader, CancellationToken ct) =>
        {
            if (Reason(request) is not { } reason) return ReasonRequired();
            using var timeout = Timeout(ct);
            try
            {
                var record = await reader.ReadAsync(callSid, Actor(request), reason, timeout.Token);
                return record is null
                    ? Results.Problem($"No transcript is kept for call {callSid}.", statusCode: StatusCodes.Status404NotFound)
                    : Results.Json(record, CallRecordJsonContext.Default.CallRecord);
            }
            catch (Exception ex) when (IsStoreFailure(ex, ct))
            {
                return Results.Problem("The records store is unavailable; nothing was read.", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            catch (CryptographicException ex)
            {
                return Results.Problem($"The transcript cannot be decrypted: {ex.Message}", statusCode: StatusCodes.Status500InternalServerError);
            }
        });

        // The call's cost as filed at call end: no transcript content, so no reason is asked and nothing is audited.
        admin.MapGet("/calls/{callSid}/cost", async (string callSid, IRecordsStore store, RecordsStartup startup, CancellationToken ct) =>
        {
            using var timeout = Timeout(ct);
            try
            {
                await startup.Migrated.WaitAsync(timeout.Token);
                return await store.GetCallCostAsync(callSid, timeout.Token) is { } row
                    ? Results.Json(row, AdminJsonContext.Default.StoredCallCost)
                    : Results.Problem($"No cost is filed for call {callSid}.", statusCode: StatusCodes.Status404NotFound);
            }
            catch (Exception ex) when (IsStoreFailure(ex, ct))
            {
                return Results.Problem("The records store is unavailable; nothing was read.", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });

        admin.MapDelete("/callers/{callerId}", async (string callerId, HttpRequest request, IEnumerable<ICallerDataEraser> erasers,
            IRecordsStore store, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct) =>
        {
            if (Reason(request) is not { } reason) return ReasonRequired();
            using var timeout = Timeout(ct);
            var erased = new Dictionary<string, int>(StringComparer.Ordinal);
            var failed = new List<string>();
            foreach (var eraser in erasers)
            {
                try { erased[eraser.Name] = await eraser.EraseCallerAsync(callerId, timeout.Token); }
                catch (Exception ex) when (IsStoreFailure(ex, ct) || ex is IOException) { failed.Add($"{eraser.Name}: {ex.Message}"); }
            }
            if (failed.Count > 0)
                return Results.Problem("Erasure incomplete; retry (erasure is idempotent). " + string.Join("; ", failed), statusCode: StatusCodes.Status503ServiceUnavailable);
            // The audit row records that an erasure happened, not whose: no caller reference survives it.
            await store.AppendAuditAsync(new AuditEntry(clock.GetUtcNow(), Actor(request), "caller.erased", null, null, reason), timeout.Token);
            LogErased(loggers.CreateLogger("VoiceAgent.Admin"), erased.Values.Sum(), Actor(request));
            return Results.Json(new ErasureReport(erased), AdminJsonContext.Default.ErasureReport);
        });
    }

    private static string? Reason(HttpRequest request)
    {
        var value = request.Query["reason"].ToString();
        if (string.IsNullOrWhiteSpace(value)) value = request.Headers[ReasonHeader].ToString();
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private static string Actor(HttpRequest request) => request.Headers[ActorHeader].ToString() is { Length: > 0 } actor ? actor.Trim() : "admin";

    private static IResult ReasonRequired() => Results.Problem(
        $"Say why: add ?reason=… or an {ReasonHeader} header. It is written to the audit log.", statusCode: StatusCodes.Status400BadRequest);

    private static CancellationTokenSource Timeout(CancellationToken ct)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(StoreTimeout);
        return cts;
    }

    private static bool IsStoreFailure(Exception ex, CancellationToken requestToken)
        => ex is System.Data.Common.DbException or TimeoutException || (ex is OperationCanceledException && !requestToken.IsCancellationRequested);

    [LoggerMessage(EventId = Observability.EventIds.CallerErased, Level = LogLevel.Information, Message = "Caller erasure by {Actor}: {Items} items removed")]
    private static partial void LogErased(ILogger logger, int items, string actor);
}

internal sealed record ErasureReport(IReadOnlyDictionary<string, int> Erased);

[System.Text.Json.Serialization.JsonSerializable(typeof(ErasureReport))]
[System.Text.Json.Serialization.JsonSerializable(typeof(StoredCallCost))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class AdminJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
