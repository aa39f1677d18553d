using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Conversation.Compliance;
using VoiceAgent.Conversation.History;
using VoiceAgent.Conversation.Tools;
using VoiceAgent.Payments;
using VoiceAgent.Storage;
using VoiceAgent.Storage.Encryption;
using VoiceAgent.Storage.Records;
using VoiceAgent.Storage.Recordings;
using VoiceAgent.Telephony.ConversationRelay;
using VoiceAgent.Telephony.MediaStreams;
using VoiceAgent.Telephony.Twilio.Rest;

namespace VoiceAgent.Hosting;

/// <summary>
/// Wires consent (ledger over the records store), recording (Twilio REST; a durable fetch queue in the records
/// database; sealed recordings in <c>DATA_DIR/recordings</c> or an S3-compatible bucket),
/// card capture (the application's <see cref="IPaymentHandler"/>, if any), silence handling and the history policy
/// into one <see cref="CallControls"/> every call shares.
/// </summary>
internal static class ConversationControlsRegistration
{
    public const string RecordingsFolder = "recordings";

    public static IServiceCollection AddConversationControls(this IServiceCollection services, VoiceAgentSettings settings, AgentOptions agent)
    {
        var controls = settings.Controls;
        services.TryAddSingleton<IConsentLedger>(sp => new RecordsConsentLedger(
            sp.GetRequiredService<IRecordsStore>(), sp.GetRequiredService<RecordsStartup>(), sp.GetRequiredService<CallerIdHasher>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RecordsConsentLedger>>()));
        if (controls.RecordingEnabled && settings.TwilioAccountSid is { } sid && settings.TwilioAuthToken is { } token)
        {
            services.AddHttpClient(nameof(TwilioRecordingsClient), http => http.Timeout = TimeSpan.FromSeconds(30));
            services.TryAddSingleton(sp => new TwilioRecordingsClient(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(TwilioRecordingsClient)), new Uri(settings.TwilioApiBaseUrl), sid, token));
            services.TryAddSingleton<IRecordingStore>(_ => controls.RecordingStorage.Store == RecordingStoreKind.S3
                ? new S3RecordingStore(controls.RecordingStorage)
                : new LocalRecordingStore(Path.Combine(settings.DataDir, RecordingsFolder)));
            services.TryAddSingleton(sp => new SqlRecordingQueue(sp.GetRequiredService<IRecordsStore>() is SqlRecordsStore sql
                ? sql.Dialect
                : RecordsDialect.Create(settings.DatabaseUrl, settings.DataDir)));
            services.TryAddSingleton(sp => new RecordingArchive(
                sp.GetRequiredService<TwilioRecordingsClient>(), sp.GetRequiredService<TranscriptCipher>(), sp.GetRequiredService<CallerIdHasher>(),
                sp.GetRequiredService<IRecordingStore>(), sp.GetRequiredService<SqlRecordingQueue>(), sp.GetRequiredService<RecordsStartup>(),
                controls.RecordingDeleteFromCarrier, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RecordingArchive>>()));
            services.AddHostedService(sp => sp.GetRequiredService<RecordingArchive>());
            services.AddSingleton<ICallerDataEraser>(sp => sp.GetRequiredService<RecordingArchive>());
            services.TryAddSingleton(sp => new TwilioCallRecorder(sp.GetRequiredService<TwilioRecordingsClient>(), sp.GetRequiredService<RecordingArchive>()));
        }
        services.TryAddSingleton(sp =>
        {
            var recorder = sp.GetService<TwilioCallRecorder>();
            return new CallControls
            {
                Consent = controls.ConsentOptions(settings.DefaultLocale),
                ConsentLedger = sp.GetRequiredService<IConsentLedger>(),
                GreetingAfterConsent = controls.ConsentRequired ? settings.WelcomeGreeting : null,
                RecordingEnabled = controls.RecordingEnabled,
                // Twilio's two transports record through its REST API; Vonage has no recorder here.
                RecorderFor = transport => transport is RelayConnectionHandler.TransportName or MediaStreamsConnectionHandler.TransportName ? recorder : null,
                Silence = controls.SilenceOptions(),
                History = controls.HistoryOptions(settings.HistoryTurns),
                Summarizer = new HistorySummarizer(sp.GetRequiredService<IChatClient>(), ModelRegistration.CreateChatOptions(settings, agent)),
                Payments = sp.GetService<IPaymentHandler>(),
                Payment = new PaymentCaptureOptions { HandlerTimeout = controls.PaymentHandlerTimeout },
            };
        });
        return services;
    }

    /// <summary>The model's options with the keypad-choice and pacing tools, and <c>collect_payment</c> when a handler is registered.</summary>
    public static ChatOptions WithControlTools(this ChatOptions options, IServiceProvider services)
    {
        options.Tools = [.. options.Tools ?? [], .. ConversationControlTools.Declarations(services.GetService<IPaymentHandler>() is not null)];
        return options;
    }
}
