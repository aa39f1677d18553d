namespace VoiceAgent.Telephony.Vonage.Security;

/// <summary>Why a Vonage webhook was refused (logged; the response says only 401 and a short reason).</summary>
public enum VonageRejectReason
{
    None,
    /// <summary>No VONAGE_SIGNATURE_SECRET is configured: every Vonage webhook is refused (fail closed).</summary>
    NoSecretConfigured,
    /// <summary>No <c>Authorization: Bearer</c> JWT.</summary>
    MissingToken,
    /// <summary>Not three base64url parts, bad JSON, or a JOSE header that is not HS256.</summary>
    MalformedToken,
    /// <summary>The HS256 signature does not match the configured secret.</summary>
    BadSignature,
    /// <summary>A documented claim is missing or wrong: <c>iat</c>, <c>jti</c>, <c>iss</c> = Vonage.</summary>
    BadClaims,
    /// <summary><c>iat</c> is older than the freshness window, or in the future beyond the allowed skew.</summary>
    Stale,
    /// <summary>The body (or query) does not hash to the token's <c>payload_hash</c>, or a body came without one.</summary>
    PayloadMismatch,
    /// <summary>The token's <c>jti</c> was already used.</summary>
    Replayed,
    /// <summary>The body is larger than a Vonage webhook can be.</summary>
    BodyTooLarge,
}
