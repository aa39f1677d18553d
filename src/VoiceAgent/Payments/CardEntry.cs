namespace VoiceAgent.Payments;

/// <summary>Checks keyed-in card fields: number length and Luhn check digit, expiry, security code.</summary>
internal static class CardEntry
{
    public static bool IsCardNumber(ReadOnlySpan<char> digits)
    {
        if (digits.Length is < 12 or > 19) return false;
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            if (!char.IsAsciiDigit(digits[i])) return false;
            var d = digits[i] - '0';
            if (doubleIt) { d *= 2; if (d > 9) d -= 9; }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    /// <summary>MMYY → month and four-digit year, when it is a real month not in the past.</summary>
    public static (int Month, int Year)? Expiry(ReadOnlySpan<char> digits, DateTimeOffset now)
    {
        if (digits.Length != 4 || !int.TryParse(digits[..2], out var month) || !int.TryParse(digits[2..], out var yy) || month is < 1 or > 12) return null;
        var year = 2000 + yy;
        return (year, month).CompareTo((now.Year, now.Month)) < 0 ? null : (month, year);
    }

    public static bool IsSecurityCode(ReadOnlySpan<char> digits) => digits.Length is 3 or 4 && !digits.ContainsAnyExceptInRange('0', '9');
}
