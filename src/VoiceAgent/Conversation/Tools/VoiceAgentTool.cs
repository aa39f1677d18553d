using System.Text.Json;

namespace VoiceAgent.Conversation;

/// <summary>
/// A tool an application offers the model (register with <c>AddVoiceAgentTool</c>). The model streams a call with
/// arguments matching <see cref="ParametersSchema"/>; the handler runs and its answer goes back to the model as the
/// tool's result (a real <c>tool_result</c> / <c>role=tool</c> message), after which the model continues speaking.
/// </summary>
/// <param name="Name">1-64 letters, digits, <c>_</c> or <c>-</c>; must not clash with a built-in tool.</param>
/// <param name="Description">Tells the model when to call it.</param>
/// <param name="ParametersSchema">JSON Schema of the arguments object (<c>{"type":"object",…}</c>).</param>
/// <param name="Handler">Runs the call; returns the text the model is given. Cancelled on barge-in, hang-up or <c>TOOL_TIMEOUT_MS</c>.</param>
public sealed record VoiceAgentTool(string Name, string Description, JsonElement ParametersSchema, Func<ToolInvocation, CancellationToken, ValueTask<string>> Handler);

/// <summary>One call of an application tool.</summary>
/// <param name="CallSid">The carrier's id of the phone call.</param>
/// <param name="Arguments">The arguments object the model produced (already checked to be a JSON object).</param>
public sealed record ToolInvocation(string CallSid, JsonElement Arguments);
