namespace VoiceAgent.Telephony.Twilio.TwiML;

/// <summary>
/// Where <see cref="ConnectActionReply.Build"/> may transfer a caller. Numbers come only from here, never
/// from <c>handoffData</c>: the model must not be able to dial an arbitrary number.
/// </summary>
public sealed record ConnectActionReplyOptions
{
    /// <summary>The E.164 number dialled for a <c>live-agent-handoff</c> that names no target; null to hang up instead.</summary>
    public string? DefaultTransferNumber { get; init; }

    /// <summary>Named targets (<c>transferTarget</c> in <c>handoffData</c>) and their E.164 numbers.</summary>
    public IReadOnlyDictionary<string, string> TransferTargets { get; init; } = new Dictionary<string, string>();

    /// <summary>E.164 caller id for the transfer leg; null keeps the caller's number.</summary>
    public string? CallerId { get; init; }

    /// <summary>Every problem, each with its fix; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        CheckNumber(DefaultTransferNumber, "DefaultTransferNumber", errors);
        CheckNumber(CallerId, "CallerId", errors);
        if (TransferTargets is null)
        {
            errors.Add("TransferTargets must not be null; use an empty dictionary for none.");
            return errors;
        }
        foreach (var (name, number) in TransferTargets)
        {
            if (string.IsNullOrWhiteSpace(name)) errors.Add("A TransferTargets name is blank; name every target.");
            if (number is null) errors.Add($"TransferTargets['{name}'] is null; give it an E.164 number such as +14155550100.");
            else CheckNumber(number, $"TransferTargets['{name}']", errors);
        }
        return errors;
    }

    private static void CheckNumber(string? number, string name, List<string> errors)
    {
        if (number is null) return;
        var digits = number.AsSpan(1);
        var isE164 = number.Length is >= 3 and <= 16 && number[0] == '+' && digits[0] != '0' && !digits.ContainsAnyExceptInRange('0', '9');
        if (!isE164) errors.Add($"{name} '{number}' must be an E.164 number such as +14155550100 ('+', country code, up to 15 digits).");
    }
}
