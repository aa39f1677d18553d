namespace VoiceAgent.Hosting.Admin;

/// <summary>Phone numbers in admin listings: every digit but the last four (two for short numbers) replaced by <c>*</c>.</summary>
internal static class PhoneNumberMask
{
    public static string? Mask(string? number)
    {
        if (string.IsNullOrEmpty(number)) return null;
        var digits = number.Count(char.IsAsciiDigit);
        var keep = digits > 6 ? 4 : 2;
        var seen = 0;
        return string.Concat(number.Select(c => char.IsAsciiDigit(c) && ++seen <= digits - keep ? '*' : c));
    }
}
