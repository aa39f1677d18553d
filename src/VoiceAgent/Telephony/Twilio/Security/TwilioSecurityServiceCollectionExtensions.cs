using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace VoiceAgent.Telephony.Twilio.Security;

/// <summary>Registers Twilio request validation.</summary>
public static class TwilioSecurityServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="options"/> and the request validator used by
    /// <see cref="TwilioSignatureEndpointExtensions.RequireTwilioSignature{TBuilder}"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The options are invalid; the message lists every error with its fix.</exception>
    public static IServiceCollection AddTwilioSecurity(this IServiceCollection services, TwilioSecurityOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
            throw new InvalidOperationException("Invalid Twilio security options:" + Environment.NewLine + " - " + string.Join(Environment.NewLine + " - ", errors));

        services.AddLogging();
        services.TryAddSingleton(options);
        services.TryAddSingleton<TwilioRequestValidator>();
        return services;
    }
}
