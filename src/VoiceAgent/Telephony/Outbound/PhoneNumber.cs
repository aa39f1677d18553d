namespace VoiceAgent.Telephony.Outbound;

/// <summary>E.164 checks for numbers we dial: a plus, a non-zero country digit, at most 15 digits.</summary>
public static class PhoneNumber
{
    public static bool IsE164(string? value)
    {
        if (value is null || value.Length is < 8 or > 16 || value[0] != '+' || value[1] == '0') return false;
        for (var i = 1; i < value.Length; i++) if (!char.IsAsciiDigit(value[i])) return false;
        return true;
    }
}
