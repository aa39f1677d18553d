namespace VoiceAgent.Providers.Http11;

/// <summary>How a response's body is delimited (RFC 9112 §6.3).</summary>
internal enum Http11BodyFraming
{
    /// <summary>No body: a response to HEAD, 1xx, 204, 304, or <c>Content-Length: 0</c>.</summary>
    None,
    /// <summary><c>Content-Length</c> bytes.</summary>
    ContentLength,
    /// <summary><c>Transfer-Encoding: chunked</c>.</summary>
    Chunked,
    /// <summary>Everything until the server closes the connection (no length given).</summary>
    UntilClose,
}
