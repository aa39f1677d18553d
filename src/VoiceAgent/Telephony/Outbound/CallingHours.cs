using System.Globalization;

namespace VoiceAgent.Telephony.Outbound;

/// <summary>
/// A daily local window (e.g. 09:00-20:00) in which a number may be called, evaluated in the callee's time zone.
/// A window whose end is before its start spans midnight.
/// </summary>
public readonly record struct CallingHours(TimeOnly Start, TimeOnly End)
{
    public static bool TryParse(string? text, out CallingHours hours)
    {
        hours = default;
        var parts = text?.Split('-', 2, StringSplitOptions.TrimEntries);
        if (parts is not [var a, var b]
            || !TimeOnly.TryParseExact(a, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !TimeOnly.TryParseExact(b, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
            || start == end) return false;
        hours = new CallingHours(start, end);
        return true;
    }

    public bool Contains(DateTimeOffset utcNow, TimeZoneInfo zone)
    {
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(utcNow, zone).DateTime);
        return Start < End ? local >= Start && local < End : local >= Start || local < End;
    }

    /// <summary>The next instant (UTC) at which the window opens, strictly after <paramref name="utcNow"/> when outside it.</summary>
    public DateTimeOffset NextOpening(DateTimeOffset utcNow, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(utcNow, zone);
        var candidate = local.Date + Start.ToTimeSpan();
        if (candidate <= local.DateTime) candidate = candidate.AddDays(1);
        // Map the local wall-clock time back to UTC (a skipped DST hour moves to the next valid minute).
        for (var i = 0; i < 180 && zone.IsInvalidTime(candidate); i++) candidate = candidate.AddMinutes(1);
        return new DateTimeOffset(candidate, zone.GetUtcOffset(candidate)).ToUniversalTime();
    }
}
