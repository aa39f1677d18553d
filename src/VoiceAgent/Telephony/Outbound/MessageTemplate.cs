using System.Text;
using System.Text.RegularExpressions;

namespace VoiceAgent.Telephony.Outbound;

/// <summary>
/// Fills <c>{key}</c> placeholders from the call's context. A <c>[…]</c> part is kept only when every placeholder in it
/// has a value, so "Hi[ {name}]," reads "Hi," without a name.
/// </summary>
internal static partial class MessageTemplate
{
    public static string Render(string template, IReadOnlyDictionary<string, string> context)
    {
        var withOptional = OptionalPart().Replace(template, m =>
        {
            var inner = m.Groups[1].Value;
            return Placeholder().Matches(inner).All(p => !string.IsNullOrWhiteSpace(context.GetValueOrDefault(p.Groups[1].Value))) ? inner : "";
        });
        var filled = Placeholder().Replace(withOptional, m => context.GetValueOrDefault(m.Groups[1].Value)?.Trim() ?? "");
        return Spaces().Replace(filled, " ").Trim();
    }

    [GeneratedRegex(@"\[([^\[\]]*)\]")]
    private static partial Regex OptionalPart();

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"[ \t]{2,}")]
    private static partial Regex Spaces();
}
