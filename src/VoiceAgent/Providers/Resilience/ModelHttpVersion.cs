namespace VoiceAgent.Providers.Resilience;

/// <summary>
/// The HTTP version the model clients ask for (<c>MODEL_HTTP_VERSION</c>). Over https HTTP/2 is negotiated by ALPN
/// and falls back to HTTP/1.1 when the server does not offer it; over plain http there is no negotiation, so HTTP/2
/// there (h2c) needs prior knowledge that the server speaks it.
/// </summary>
public enum ModelHttpVersion
{
    /// <summary><c>auto</c>: HTTP/2 over https (falling back to HTTP/1.1), HTTP/1.1 over plain http.</summary>
    Auto,
    /// <summary><c>1.1</c> (default): HTTP/1.1 always.</summary>
    Http11,
    /// <summary><c>2</c>: HTTP/2 over https (falling back to HTTP/1.1) and h2c with prior knowledge over plain http.</summary>
    Http2,
}
