using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace VoiceAgent.Payments;

/// <summary>Registers the application's <see cref="IPaymentHandler"/>, which turns on the <c>collect_payment</c> tool.</summary>
public static class PaymentServiceCollectionExtensions
{
    public static IServiceCollection AddPaymentHandler<T>(this IServiceCollection services) where T : class, IPaymentHandler
    {
        services.Replace(ServiceDescriptor.Singleton<IPaymentHandler, T>());
        return services;
    }

    public static IServiceCollection AddPaymentHandler(this IServiceCollection services, IPaymentHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        services.Replace(ServiceDescriptor.Singleton(handler));
        return services;
    }
}
