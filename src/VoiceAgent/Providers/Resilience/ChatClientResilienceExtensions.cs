using Microsoft.Extensions.AI;

namespace VoiceAgent.Providers.Resilience;

/// <summary>Builder-style decorators for a model <see cref="IChatClient"/>.</summary>
public static class ChatClientResilienceExtensions
{
    /// <summary>
    /// Wraps <paramref name="client"/> in the stream watchdog: a first-token deadline (default 3 s) and a stall
    /// deadline between updates (default 2 s), measured on <paramref name="timeProvider"/>. A missed deadline
    /// cancels the upstream call and throws <see cref="ModelTimeoutException"/>.
    /// </summary>
    public static IChatClient WithWatchdog(this IChatClient client, TimeProvider timeProvider, TimeSpan? firstTokenTimeout = null, TimeSpan? stallTimeout = null)
    {
        var defaults = new StreamWatchdogOptions();
        return client.WithWatchdog(timeProvider, new StreamWatchdogOptions
        {
            FirstTokenTimeout = firstTokenTimeout ?? defaults.FirstTokenTimeout,
            StallTimeout = stallTimeout ?? defaults.StallTimeout,
        });
    }

    /// <summary>Wraps <paramref name="client"/> in the stream watchdog with the given deadlines.</summary>
    public static IChatClient WithWatchdog(this IChatClient client, TimeProvider timeProvider, StreamWatchdogOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid stream watchdog options: " + string.Join(" ", errors), nameof(options));
        return new StreamWatchdogChatClient(client, timeProvider, options);
    }
}
