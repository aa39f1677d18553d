using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Conversation;
using VoiceAgent.Conversation.Tools;

namespace VoiceAgent.Hosting;

/// <summary>Registers the application's own tools for the model (see docs/tools.md).</summary>
public static class VoiceAgentToolServiceCollectionExtensions
{
    /// <summary>
    /// Offers the model a tool on every call. <paramref name="parametersSchema"/> is the JSON Schema of the arguments
    /// object; <paramref name="handler"/> gets the arguments and returns the text the model is given as the tool's result.
    /// </summary>
    /// <exception cref="ArgumentException">The registration is unusable; the message lists every problem with its fix.</exception>
    public static IServiceCollection AddVoiceAgentTool(this IServiceCollection services, string name, string description, string parametersSchema,
        Func<ToolInvocation, CancellationToken, ValueTask<string>> handler)
    {
        ArgumentNullException.ThrowIfNull(services);
        JsonElement schema;
        try
        {
            schema = JsonElement.Parse(parametersSchema ?? "");
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Tool '{name}' parameters schema is not JSON ({ex.Message}).", nameof(parametersSchema), ex);
        }
        return services.AddVoiceAgentTool(new VoiceAgentTool(name, description, schema, handler));
    }

    /// <inheritdoc cref="AddVoiceAgentTool(IServiceCollection, string, string, string, Func{ToolInvocation, CancellationToken, ValueTask{string}})"/>
    public static IServiceCollection AddVoiceAgentTool(this IServiceCollection services, VoiceAgentTool tool)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(tool);
        var errors = ApplicationTools.Check(tool, AgentTools.BuiltInNames).ToList();
        if (services.Any(d => d.ServiceType == typeof(VoiceAgentTool) && d.ImplementationInstance is VoiceAgentTool other && other.Name == tool.Name))
            errors.Add($"Tool '{tool.Name}' is registered twice.");
        if (errors.Count > 0) throw new ArgumentException("Invalid voice agent tool: " + string.Join(" ", errors), nameof(tool));
        services.AddSingleton(tool);
        return services;
    }
}
