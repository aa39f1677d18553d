namespace VoiceAgent.Providers.ElevenLabs;

/// <summary>Why an ElevenLabs stream failed. Tags logs and decides <see cref="ElevenLabsException.Retryable"/>.</summary>
public enum ElevenLabsFailureKind
{
    /// <summary>The server could not be reached, or the connect/upgrade did not finish within the connect timeout.</summary>
    ConnectFailed,
    /// <summary>The server answered the upgrade with an HTTP error (bad key, unknown voice, rate limit, outage).</summary>
    HandshakeRejected,
    /// <summary>The server sent an error frame (an <c>error</c> key, no audio), normally followed by close 1008.</summary>
    ServerError,
    /// <summary>The socket closed or dropped before the final message.</summary>
    ConnectionLost,
    /// <summary>The server sent something this client cannot read.</summary>
    ProtocolViolation,
}
