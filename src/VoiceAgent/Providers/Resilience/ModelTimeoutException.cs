namespace VoiceAgent.Providers.Resilience;

/// <summary>
/// The stream watchdog gave up on a model call (and cancelled it upstream). Distinct from caller cancellation,
/// which surfaces as <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// Deliberately not a <see cref="TimeoutException"/> (like Polly's TimeoutRejectedException): generic
/// <c>catch (TimeoutException)</c> handlers, such as test timeout helpers, must not swallow or re-label it.
/// </remarks>
public sealed class ModelTimeoutException : Exception
{
    public ModelTimeoutException() : this("The model stream timed out.") { }

    public ModelTimeoutException(string message) : base(message) { }

    public ModelTimeoutException(string message, Exception innerException) : base(message, innerException) { }

    public ModelTimeoutException(ModelTimeoutKind kind, TimeSpan timeout, Exception? innerException = null)
        : base(kind == ModelTimeoutKind.FirstToken
            ? $"The model sent no first token within {timeout.TotalMilliseconds:0} ms."
            : $"The model stream stalled for more than {timeout.TotalMilliseconds:0} ms.", innerException)
    {
        Kind = kind;
        Timeout = timeout;
    }

    /// <summary>Which deadline was missed.</summary>
    public ModelTimeoutKind Kind { get; }

    /// <summary>The deadline that was missed.</summary>
    public TimeSpan Timeout { get; }
}
