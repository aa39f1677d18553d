using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace VoiceAgent.Conversation.Tools;

/// <summary>The tools the application registered, by name, and their declarations for the model.</summary>
internal sealed partial class ApplicationTools
{
    private readonly Dictionary<string, VoiceAgentTool> _tools;

    public ApplicationTools(IEnumerable<VoiceAgentTool> tools)
    {
        _tools = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Declarations = _tools.Values.Select(t => (AITool)AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.ParametersSchema)).ToList();
    }

    public static ApplicationTools None { get; } = new([]);

    public IReadOnlyList<AITool> Declarations { get; }

    public bool TryGet(string name, out VoiceAgentTool tool) => _tools.TryGetValue(name, out tool!);

    /// <summary>Every problem with one registration, each with its fix; empty when usable.</summary>
    public static IReadOnlyList<string> Check(VoiceAgentTool tool, IEnumerable<string> builtInNames)
    {
        var errors = new List<string>();
        if (tool.Name is null || !NamePattern().IsMatch(tool.Name))
            errors.Add($"Tool name '{tool.Name}' must be 1-64 letters, digits, '_' or '-' (providers refuse others).");
        else if (builtInNames.Contains(tool.Name, StringComparer.Ordinal))
            errors.Add($"Tool name '{tool.Name}' is a built-in call-control tool; pick another name.");
        if (string.IsNullOrWhiteSpace(tool.Description)) errors.Add($"Tool '{tool.Name}' needs a description: the model decides from it when to call the tool.");
        if (tool.ParametersSchema.ValueKind != JsonValueKind.Object
            || !tool.ParametersSchema.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "object")
            errors.Add($"Tool '{tool.Name}' parameters must be a JSON Schema object such as {{\"type\":\"object\",\"properties\":{{}}}}.");
        if (tool.Handler is null) errors.Add($"Tool '{tool.Name}' has no handler.");
        return errors;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();
}
