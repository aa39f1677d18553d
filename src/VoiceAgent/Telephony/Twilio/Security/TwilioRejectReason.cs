namespace VoiceAgent.Telephony.Twilio.Security;

/// <summary>Why a request that claims to come from Twilio was refused.</summary>
internal enum TwilioRejectReason
{
    /// <summary>Accepted.</summary>
    None = 0,

    /// <summary>No auth token is configured, so no signature can be checked (fail closed).</summary>
    AuthTokenNotConfigured,

    /// <summary>The <c>X-Twilio-Signature</c> header is absent, empty or repeated.</summary>
    MissingSignature,

    /// <summary>The signature does not match the public URL and parameters.</summary>
    InvalidSignature,

    /// <summary>The signature matches, but the body's SHA-256 differs from the signed <c>bodySHA256</c>.</summary>
    BodyHashMismatch,

    /// <summary>The body could not be read (malformed form, too large, connection reset).</summary>
    UnreadableBody,

    /// <summary>The request is authentic but its <c>AccountSid</c> is not on the allow-list.</summary>
    AccountNotAllowed,

    /// <summary>The body is over the configured request body cap (answered 413, never buffered).</summary>
    BodyTooLarge,
}
