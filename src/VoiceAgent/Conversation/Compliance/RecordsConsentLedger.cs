using Microsoft.Extensions.Logging;
using VoiceAgent.Observability;
using VoiceAgent.Storage.Encryption;
using VoiceAgent.Storage.Records;

namespace VoiceAgent.Conversation.Compliance;

/// <summary>
/// Consent decisions in the records store's <c>consent_decisions</c> table, keyed by the caller-ID HMAC. A store
/// that is down or still migrating answers "unavailable" within <see cref="Patience"/> (the call then keeps nothing;
/// the caller is asked on a later call), never holds the call.
/// </summary>
internal sealed partial class RecordsConsentLedger(IRecordsStore store, RecordsStartup startup, CallerIdHasher hasher, TimeProvider clock, ILogger<RecordsConsentLedger> logger) : IConsentLedger
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    public async Task<ConsentLookup> FindAsync(string callerId, CancellationToken cancellationToken)
    {
        try
        {
            await startup.Migrated.WaitAsync(Patience, clock, cancellationToken);
            return new ConsentLookup(await store.GetConsentAsync(hasher.Hash(callerId), cancellationToken).WaitAsync(Patience, clock, cancellationToken), StoreAnswered: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogLookupFailed(logger, ex.GetType().Name);
            return ConsentLookup.Unavailable;
        }
    }

    public async Task<bool> SaveAsync(string callerId, ConsentDecision decision, CancellationToken cancellationToken)
    {
        try
        {
            await startup.Migrated.WaitAsync(Patience, clock, cancellationToken);
            await store.SetConsentAsync(hasher.Hash(callerId), decision, clock.GetUtcNow(), cancellationToken).WaitAsync(Patience, clock, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogSaveFailed(logger, decision, ex.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(EventId = EventIds.ConsentStoreFailed, Level = LogLevel.Warning, Message = "Consent lookup failed ({ExceptionType}); this call keeps nothing")]
    private static partial void LogLookupFailed(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = EventIds.ConsentStoreFailed + 1, Level = LogLevel.Warning, Message = "Consent decision {Decision} could not be filed ({ExceptionType}); honoured on this call, the caller will be asked again")]
    private static partial void LogSaveFailed(ILogger logger, ConsentDecision decision, string exceptionType);
}
