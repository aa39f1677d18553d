using System.Text.Json;
using Microsoft.Extensions.AI;

namespace VoiceAgent.Tests.Providers;

/// <summary>Tool declarations shared by the provider tests.</summary>
internal static class ToolDeclarations
{
    public static AIFunctionDeclaration TransferCall { get; } = AIFunctionFactory.CreateDeclaration(
        "transfer_call",
        "Transfer the caller to a human in the given department.",
        JsonElement.Parse("""{"type":"object","properties":{"department":{"type":"string"}},"required":["department"]}"""));

    public static AIFunctionDeclaration EndCall { get; } = AIFunctionFactory.CreateDeclaration(
        "end_call",
        "Hang up politely.",
        JsonElement.Parse("""{"type":"object","properties":{}}"""));

    /// <summary>The single function call in <paramref name="updates"/>.</summary>
    public static FunctionCallContent SingleCall(IEnumerable<ChatResponseUpdate> updates)
        => Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());

    /// <summary>A string argument of a parsed call (values are JSON elements or strings depending on the parser).</summary>
    public static string? StringArgument(FunctionCallContent call, string name)
        => call.Arguments?[name] switch
        {
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            var other => other?.ToString(),
        };
}
