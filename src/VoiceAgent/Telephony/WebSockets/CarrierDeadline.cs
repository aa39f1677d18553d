namespace VoiceAgent.Telephony.WebSockets;

/// <summary>Which limit ended a carrier socket.</summary>
internal enum CarrierDeadline
{
    /// <summary>No opening message in time.</summary>
    NeverStarted,

    /// <summary>A media socket went silent.</summary>
    Idle,

    /// <summary>The carrier stopped accepting our output.</summary>
    SendStalled,

    /// <summary>The call reached its maximum length.</summary>
    MaxCallLength,
}

internal static class CarrierDeadlineExtensions
{
    /// <summary>The reason recorded when the call ends on <paramref name="deadline"/>.</summary>
    public static string Reason(this CarrierDeadline deadline) => deadline switch
    {
        CarrierDeadline.NeverStarted => "no opening message in time",
        CarrierDeadline.Idle => "carrier went silent",
        CarrierDeadline.SendStalled => "carrier stopped reading",
        _ => "maximum call length reached",
    };
}
