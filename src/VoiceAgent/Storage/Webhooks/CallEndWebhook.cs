using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Observability;
using VoiceAgent.Storage.Encryption;
using VoiceAgent.Storage.Records;
using VoiceAgent.Storage.Spool;

namespace VoiceAgent.Storage.Webhooks;

/// <summary>
/// The end-of-call hand-over to other systems (a CRM): a signed JSON POST per call to <c>CALL_END_WEBHOOK_URL</c>,
/// with the transcript unless the caller declined consent. Spooled (encrypted) and retried with back-off, in
/// order; a receiver error (5xx, 408, 429, no answer) retries, any other 4xx is logged and dropped (retrying a
/// refusal cannot help). <c>X-VoiceAgent-Delivery</c> carries the call SID so receivers can ignore a repeat.
/// </summary>
internal sealed partial class CallEndWebhook(
    HttpClient http,
    Uri url,
    string secret,
    IRecordsStore store,
    RecordsStartup startup,
    EncryptedSpool spool,
    CallerIdHasher hasher,
    SpoolDrainerOptions options,
    TimeProvider clock,
    ILogger<CallEndWebhook> logger) : SpoolDrainer(spool, hasher, options, clock, logger)
{
    public const string DeliveryHeader = "X-VoiceAgent-Delivery";

    public override string Name => "webhook-spool";

    protected override async Task DeliverAsync(CallRecord record, string? callerHash, CancellationToken cancellationToken)
    {
        // Fail closed: the transcript goes out only when we know the caller did not opt out (else retry later).
        var withhold = false;
        if (callerHash is not null)
        {
            await startup.Migrated.WaitAsync(cancellationToken);
            withhold = await store.GetConsentAsync(callerHash, cancellationToken) == ConsentDecision.Declined;
        }
        var body = JsonSerializer.SerializeToUtf8Bytes(CallEndPayload.Create(record, withhold), CallEndPayloadJsonContext.Default.CallEndPayload);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Compute(secret, body));
        request.Headers.Add(DeliveryHeader, record.CallSid);
        using var response = await http.SendAsync(request, cancellationToken);
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            LogDelivered(Logger, record.CallSid, status);
            return;
        }
        if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            throw new HttpRequestException($"webhook receiver answered {status}", null, response.StatusCode);
        LogRefused(Logger, record.CallSid, status);
    }

    [LoggerMessage(EventId = EventIds.WebhookDelivered, Level = LogLevel.Information, Message = "Call {CallSid}: end-of-call webhook delivered ({Status})")]
    private static partial void LogDelivered(ILogger logger, string callSid, int status);

    [LoggerMessage(EventId = EventIds.WebhookRefused, Level = LogLevel.Error, Message = "Call {CallSid}: end-of-call webhook refused with {Status}; not retried (fix the receiver)")]
    private static partial void LogRefused(ILogger logger, string callSid, int status);
}
