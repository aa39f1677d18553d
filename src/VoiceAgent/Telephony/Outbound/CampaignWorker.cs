using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace VoiceAgent.Telephony.Outbound;

/// <summary>Drains the campaign queue every <c>CAMPAIGN_POLL_MS</c> on this instance (any number of instances may run it).</summary>
internal sealed class CampaignWorker(CampaignQueue queue, OutboundSettings options, TimeProvider clock, ILogger<CampaignWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromMilliseconds(options.CampaignPollMs);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await queue.DrainOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException or System.Security.Cryptography.CryptographicException)
            {
                OutboundLog.CampaignStoreFailed(logger, ex.GetType().Name);
            }
            await Task.Delay(period, clock, stoppingToken);
        }
    }
}
