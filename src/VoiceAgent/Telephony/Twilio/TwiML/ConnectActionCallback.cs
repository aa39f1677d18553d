using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace VoiceAgent.Telephony.Twilio.TwiML;

/// <summary>
/// The form Twilio POSTs to the <c>&lt;Connect action&gt;</c> URL when a ConversationRelay session or a
/// Media Stream ends. Validate the request first (<c>RequireTwilioSignature</c>).
/// </summary>
public sealed record ConnectActionCallback
{
    public string? AccountSid { get; init; }
    public string? CallSid { get; init; }

    /// <summary><c>in-progress</c>, <c>completed</c>, … (the standard voice call status).</summary>
    public string? CallStatus { get; init; }

    public string? From { get; init; }
    public string? To { get; init; }
    public string? Direction { get; init; }

    /// <summary>ConversationRelay session id (<c>VX…</c>); absent for Media Streams.</summary>
    public string? SessionId { get; init; }

    /// <summary>How the session ended (e.g. <c>ended</c>, <c>completed</c>, <c>failed</c>).</summary>
    public string? SessionStatus { get; init; }

    public TimeSpan? SessionDuration { get; init; }

    /// <summary>The <c>handoffData</c> string of the <c>end</c> message, verbatim; null when none was sent.</summary>
    public string? HandoffData { get; init; }

    /// <summary>Reads the callback from the (already validated) form.</summary>
    public static ConnectActionCallback FromForm(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return new ConnectActionCallback
        {
            AccountSid = Single(form, "AccountSid"),
            CallSid = Single(form, "CallSid"),
            CallStatus = Single(form, "CallStatus"),
            From = Single(form, "From"),
            To = Single(form, "To"),
            Direction = Single(form, "Direction"),
            SessionId = Single(form, "SessionId"),
            SessionStatus = Single(form, "SessionStatus"),
            SessionDuration = int.TryParse(Single(form, "SessionDuration"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? TimeSpan.FromSeconds(seconds)
                : null,
            HandoffData = Single(form, "HandoffData"),
        };
    }

    private static string? Single(IFormCollection form, string name)
        => form.TryGetValue(name, out StringValues values) && values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
}
