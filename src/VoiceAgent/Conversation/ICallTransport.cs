namespace VoiceAgent.Conversation;

/// <summary>
/// The engine's view of a telephony transport (or of the speech pipeline that stands in front of one).
/// Called by exactly one writer per call, so implementations need not be thread-safe for sends.
/// </summary>
public interface ICallTransport
{
    /// <summary>
    /// Sends a command to the carrier. Completes when the frame has been handed to the socket.
    /// A call-control command the transport cannot carry out throws <see cref="CommandRejectedException"/>.
    /// </summary>
    ValueTask SendAsync(TransportCommand command, CancellationToken cancellationToken);

    /// <summary>
    /// The call-control commands this transport carries out. The engine offers the model only the matching
    /// tools and never sends a command outside this set. Default: none (speak and end the call only).
    /// </summary>
    CallCapabilities Capabilities => CallCapabilities.None;
}
