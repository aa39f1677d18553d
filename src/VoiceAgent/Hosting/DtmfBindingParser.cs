using VoiceAgent.Conversation;

namespace VoiceAgent.Hosting;

/// <summary>Parses <c>DTMF_BINDINGS</c> such as <c>0=operator,*=repeat,9=end</c>.</summary>
internal static class DtmfBindingParser
{
    public static IReadOnlyDictionary<string, DtmfAction> Parse(string bindings, List<string> errors)
    {
        var result = new Dictionary<string, DtmfAction>(StringComparer.Ordinal);
        foreach (var pair in bindings.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !Enum.TryParse<DtmfAction>(parts[1], ignoreCase: true, out var action))
            {
                errors.Add($"DTMF_BINDINGS entry '{pair}' must look like '0=operator' (actions: repeat, operator, end).");
                continue;
            }
            result[parts[0]] = action;
        }
        return result;
    }
}
