namespace VoiceAgent.Telephony.Vonage.Security;

/// <summary>How Vonage's signed webhooks are verified.</summary>
public sealed record VonageWebhookOptions
{
    /// <summary>The account's signature secret (VONAGE_SIGNATURE_SECRET); null refuses every Vonage webhook.</summary>
    public string? SignatureSecret { get; init; }

    /// <summary>Oldest <c>iat</c> accepted (Vonage sets no <c>exp</c>; this window is ours). Default 5 minutes.</summary>
    public TimeSpan MaxTokenAge { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How far in the future <c>iat</c> may be (clock skew). Default 1 minute.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Largest body read (Vonage's event webhooks are well under 4 KiB). Default 64 KiB.</summary>
    public int MaxBodyBytes { get; init; } = 64 * 1024;
}
