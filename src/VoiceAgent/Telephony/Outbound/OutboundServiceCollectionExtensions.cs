using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Hosting;
using VoiceAgent.Storage.Encryption;
using VoiceAgent.Storage.Outbound;
using VoiceAgent.Storage.Records;
using VoiceAgent.Telephony.Twilio.Rest;

namespace VoiceAgent.Telephony.Outbound;

/// <summary>Outbound calls, answering-machine handling and the campaign queue (worker only with a caller ID and <c>CAMPAIGN_ENABLED</c>).</summary>
internal static class OutboundServiceCollectionExtensions
{
    public static IServiceCollection AddOutbound(this IServiceCollection services, VoiceAgentSettings settings)
    {
        var options = settings.Outbound;
        services.TryAddSingleton(options);
        services.AddHttpClient(nameof(OutboundCalls), http => http.Timeout = TimeSpan.FromSeconds(15));
        services.TryAddSingleton(sp => new SqlOutboundStore(sp.GetRequiredService<IRecordsStore>() is SqlRecordsStore sql
            ? sql.Dialect
            : RecordsDialect.Create(settings.DatabaseUrl, settings.DataDir)));
        services.TryAddSingleton(sp => new VoicemailWriter(options, sp.GetService<IChatClient>(), sp.GetRequiredService<AgentOptions>(), sp.GetRequiredService<ILogger<VoicemailWriter>>()));
        services.TryAddSingleton(sp => new OutboundCalls(
            options,
            new Uri(settings.PublicBaseUrl),
            settings.TwilioAccountSid is { } sid && settings.TwilioAuthToken is { } token
                ? new TwilioRestClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(OutboundCalls)), new Uri(settings.TwilioApiBaseUrl), sid, token)
                : null,
            sp.GetRequiredService<SqlOutboundStore>(),
            sp.GetRequiredService<RecordsStartup>(),
            sp.GetRequiredService<TranscriptCipher>(),
            sp.GetRequiredService<CallerIdHasher>(),
            sp.GetRequiredService<VoicemailWriter>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OutboundCalls>>()));
        services.TryAddSingleton(sp => new CampaignQueue(
            options, sp.GetRequiredService<SqlOutboundStore>(), sp.GetRequiredService<RecordsStartup>(), sp.GetRequiredService<OutboundCalls>(),
            sp.GetRequiredService<TranscriptCipher>(), sp.GetRequiredService<CallerIdHasher>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<CampaignQueue>>(), $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}"));
        services.TryAddSingleton(sp => new OutboundAudioWatch(options, sp.GetRequiredService<OutboundCalls>(), sp.GetRequiredService<ILogger<OutboundAudioWatch>>()));
        services.AddHostedService(sp => sp.GetRequiredService<OutboundAudioWatch>());
        if (options.CampaignEnabled && options.CallerId is not null)
            services.AddHostedService(sp => new CampaignWorker(sp.GetRequiredService<CampaignQueue>(), options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<CampaignWorker>>()));
        return services;
    }
}
