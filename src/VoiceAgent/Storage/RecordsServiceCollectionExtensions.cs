using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation.Transcript;
using VoiceAgent.Hosting;
using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Storage.Encryption;
using VoiceAgent.Storage.Records;
using VoiceAgent.Storage.Spool;
using VoiceAgent.Storage.Webhooks;

namespace VoiceAgent.Storage;

/// <summary>
/// Durable records: the store (SQLite in <c>DATA_DIR</c>, or PostgreSQL with <c>DATABASE_URL</c>), encryption at
/// rest, the transcript archive and end-of-call webhook spools, retention, the locale table read per call,
/// erasure and readiness.
/// </summary>
internal static class RecordsServiceCollectionExtensions
{
    public const string TranscriptSpoolFolder = "spool/transcripts";
    public const string WebhookSpoolFolder = "spool/webhooks";

    public static IServiceCollection AddVoiceAgentRecords(this IServiceCollection services, VoiceAgentSettings settings)
    {
        services.TryAddSingleton(_ => TranscriptKeyring.Load(settings.DataDir, settings.TranscriptEncryptionKey, settings.TranscriptEncryptionOldKeys));
        services.TryAddSingleton(sp => new TranscriptCipher(sp.GetRequiredService<TranscriptKeyring>()));
        services.TryAddSingleton(_ => CallerIdHasher.Load(settings.DataDir, settings.CallerIdHashKey));
        services.TryAddSingleton<IRecordsStore>(_ => new SqlRecordsStore(RecordsDialect.Create(settings.DatabaseUrl, settings.DataDir)));
        services.TryAddSingleton(sp => new RecordsStartup(
            sp.GetRequiredService<IRecordsStore>(), sp.GetRequiredService<LocaleTable>().Rows,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RecordsStartup>>()));
        services.AddHostedService(sp => sp.GetRequiredService<RecordsStartup>());

        var retry = new SpoolDrainerOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        services.TryAddSingleton(sp => new TranscriptArchive(
            sp.GetRequiredService<IRecordsStore>(), sp.GetRequiredService<RecordsStartup>(), sp.GetRequiredService<TranscriptCipher>(),
            Spool(sp, settings, TranscriptSpoolFolder), sp.GetRequiredService<CallerIdHasher>(), retry,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TranscriptArchive>>()));
        services.AddSingleton<SpoolDrainer>(sp => sp.GetRequiredService<TranscriptArchive>());
        services.AddHostedService(sp => sp.GetRequiredService<TranscriptArchive>());
        services.AddSingleton<ICallerDataEraser>(sp => sp.GetRequiredService<TranscriptArchive>());

        if (settings.CallEndWebhookUrl is { } url && settings.CallEndWebhookSecret is { } secret)
        {
            services.AddHttpClient(nameof(CallEndWebhook), http => http.Timeout = TimeSpan.FromSeconds(15));
            services.TryAddSingleton(sp => new CallEndWebhook(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(CallEndWebhook)), new Uri(url), secret,
                sp.GetRequiredService<IRecordsStore>(), sp.GetRequiredService<RecordsStartup>(),
                Spool(sp, settings, WebhookSpoolFolder), sp.GetRequiredService<CallerIdHasher>(),
                new SpoolDrainerOptions(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<CallEndWebhook>>()));
            services.AddSingleton<SpoolDrainer>(sp => sp.GetRequiredService<CallEndWebhook>());
            services.AddHostedService(sp => sp.GetRequiredService<CallEndWebhook>());
            services.AddSingleton<ICallerDataEraser>(sp => sp.GetRequiredService<CallEndWebhook>());
        }

        services.TryAddSingleton<ICallRecordSink>(sp => new CallRecordFanOut(sp.GetServices<SpoolDrainer>()));
        services.AddSingleton<ICallerDataEraser>(sp => new RecordsEraser(sp.GetRequiredService<IRecordsStore>(), sp.GetRequiredService<RecordsStartup>(), sp.GetRequiredService<CallerIdHasher>()));
        services.AddHostedService(sp => new RetentionPurgeJob(
            sp.GetRequiredService<IRecordsStore>(), sp.GetRequiredService<RecordsStartup>(), TimeSpan.FromDays(settings.TranscriptRetentionDays),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RetentionPurgeJob>>()));
        services.TryAddSingleton(sp => new TranscriptReader(
            sp.GetRequiredService<IRecordsStore>(), sp.GetRequiredService<RecordsStartup>(), sp.GetRequiredService<TranscriptCipher>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TranscriptReader>>()));
        services.TryAddSingleton<ICallLocales>(sp => new StoredLocales(
            sp.GetRequiredService<IRecordsStore>(), sp.GetRequiredService<RecordsStartup>(), sp.GetRequiredService<LocaleTable>(), sp.GetRequiredService<ILogger<StoredLocales>>()));
        services.AddSingleton<IReadinessContributor>(sp => new RecordsReadiness(
            sp.GetRequiredService<IRecordsStore>(), sp.GetRequiredService<RecordsStartup>(), sp.GetServices<SpoolDrainer>()));
        return services;
    }

    private static EncryptedSpool Spool(IServiceProvider sp, VoiceAgentSettings settings, string folder)
        => new(Path.Combine(settings.DataDir, folder), sp.GetRequiredService<TranscriptCipher>(), sp.GetRequiredService<TimeProvider>());
}
