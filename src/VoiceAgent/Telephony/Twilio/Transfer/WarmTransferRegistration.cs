using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using VoiceAgent.Hosting;
using VoiceAgent.Telephony.Twilio.Rest;

namespace VoiceAgent.Telephony.Twilio.Transfer;

/// <summary>Registers the warm transfer and the Twilio REST client it drives (none without an account SID and token).</summary>
internal static class WarmTransferRegistration
{
    public static void Add(IServiceCollection services, VoiceAgentSettings settings)
    {
        services.AddHttpClient(nameof(TwilioRestClient), http => http.Timeout = TimeSpan.FromSeconds(10));
        var defaults = new WarmTransferOptions { PublicBaseUrl = new Uri(settings.PublicBaseUrl) };
        var options = defaults with
        {
            AgentNumber = settings.TransferNumber,
            HoldMusicUrl = settings.HoldMusicUrl,
            RingTimeoutSeconds = settings.TransferRingTimeoutSeconds,
            UnavailableLine = settings.TransferUnavailableLine ?? defaults.UnavailableLine,
            VoicemailMaxSeconds = settings.TransferVoicemailMaxSeconds,
            CallerId = settings.TransferCallerId,
        };
        services.TryAddSingleton(sp => new WarmTransfer(
            settings.TwilioAccountSid is { } sid && settings.TwilioAuthToken is { } token
                ? new TwilioRestClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(TwilioRestClient)), new Uri(settings.TwilioApiBaseUrl), sid, token)
                : null,
            options,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<WarmTransfer>>()));
    }
}
