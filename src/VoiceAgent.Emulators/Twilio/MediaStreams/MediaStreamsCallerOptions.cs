using System.Security.Cryptography;
using VoiceAgent.Emulators.Audio;

namespace VoiceAgent.Emulators.Twilio.MediaStreams;

/// <summary>
/// The call that <see cref="MediaStreamsCaller"/> plays: identifiers Twilio would put in <c>start</c>, the
/// <c>&lt;Parameter&gt;</c> values of the TwiML, and how the line behaves. Fresh random call and stream SIDs
/// per instance unless set.
/// </summary>
public sealed record MediaStreamsCallerOptions
{
    /// <summary><c>start.accountSid</c> and <c>stop.accountSid</c>: <c>AC</c> + 32 hex digits.</summary>
    public string AccountSid { get; init; } = "AC00000000000000000000000000000000";

    /// <summary><c>start.callSid</c>: <c>CA</c> + 32 hex digits.</summary>
    public string CallSid { get; init; } = NewSid("CA");

    /// <summary>The stream's SID (<c>MZ</c> + 32 hex digits); every frame carries it and the server must echo it.</summary>
    public string StreamSid { get; init; } = NewSid("MZ");

    /// <summary><c>start.customParameters</c>, as <c>&lt;Parameter name value&gt;</c> would set them.</summary>
    public IReadOnlyDictionary<string, string> CustomParameters { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Keep sending 20 ms frames of μ-law silence (<c>0xFF</c>) whenever the caller is not speaking, as a real
    /// phone line does (default). When false, media frames are only sent while audio is being played (or, with
    /// <see cref="Echo"/>, while echo is audible).
    /// </summary>
    public bool SendSilenceWhenIdle { get; init; } = true;

    /// <summary>Mixes a delayed, attenuated copy of the played-out server audio into the caller's audio; null (default) for none.</summary>
    public EchoSimulation? Echo { get; init; }

    /// <summary>
    /// A jittery network path: caller frames are held and sent together, this many at a time, while each keeps its own
    /// <c>media.timestamp</c> (its place on the line). 1 (default): each frame is sent as the line takes it.
    /// </summary>
    public int InboundFramesPerBurst { get; init; } = 1;

    /// <summary>A random SID with the given two-letter prefix.</summary>
    public static string NewSid(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Every problem with these options, each with a fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        CheckSid(errors, nameof(AccountSid), AccountSid, "AC");
        CheckSid(errors, nameof(CallSid), CallSid, "CA");
        CheckSid(errors, nameof(StreamSid), StreamSid, "MZ");
        if (CustomParameters is null)
        {
            errors.Add("CustomParameters is null; use an empty dictionary for none.");
        }
        else
        {
            foreach (var (name, value) in CustomParameters)
                if (name.Length + (value?.Length ?? 0) >= 500)
                    errors.Add($"Custom parameter '{name}' has name and value of {name.Length + (value?.Length ?? 0)} characters; Twilio requires fewer than 500 together.");
        }
        if (Echo is not null) errors.AddRange(Echo.Validate());
        if (InboundFramesPerBurst is < 1 or > 50)
            errors.Add($"InboundFramesPerBurst is {InboundFramesPerBurst}; use 1 (no bunching) to 50 (a second of frames held).");
        return errors;
    }

    private static void CheckSid(List<string> errors, string property, string? value, string prefix)
    {
        if (value is null || value.Length != 34 || !value.StartsWith(prefix, StringComparison.Ordinal) || !value.AsSpan(2).ContainsOnlyHex())
            errors.Add($"{property} '{value}' is not a Twilio SID; use '{prefix}' followed by 32 hex digits, e.g. {prefix}00000000000000000000000000000000.");
    }
}

file static class HexExtensions
{
    public static bool ContainsOnlyHex(this ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (!char.IsAsciiHexDigit(c)) return false;
        return true;
    }
}
