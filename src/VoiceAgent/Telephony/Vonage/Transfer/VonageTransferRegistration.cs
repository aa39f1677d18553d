using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using VoiceAgent.Hosting;
using VoiceAgent.Telephony.Twilio.Transfer;
using VoiceAgent.Telephony.Vonage.Rest;

namespace VoiceAgent.Telephony.Vonage.Transfer;

/// <summary>Registers the Vonage warm transfer and the REST client it drives (none without an application id and key).</summary>
internal static class VonageTransferRegistration
{
    public static void Add(IServiceCollection services, VoiceAgentSettings settings)
    {
        services.AddHttpClient(nameof(VonageRestClient), http => http.Timeout = TimeSpan.FromSeconds(10));
        services.TryAddSingleton(sp =>
        {
            var clock = sp.GetRequiredService<TimeProvider>();
            VonageRestClient? rest = null;
            if (settings.VonageRest is { Configured: true } vonage)
            {
                var key = RSA.Create(); // lives as long as the server
                key.ImportFromPem(vonage.PrivateKeyPem());
                rest = new VonageRestClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(VonageRestClient)), new Uri(vonage.ApiBaseUrl),
                    new VonageApplicationToken(vonage.ApplicationId!, key, clock));
            }
            return new VonageWarmTransfer(rest, sp.GetRequiredService<WarmTransfer>().Options, clock, sp.GetRequiredService<ILogger<VonageWarmTransfer>>());
        });
    }
}
