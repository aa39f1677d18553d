using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAIChat = OpenAI.Chat;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Maps Microsoft.Extensions.AI messages and options onto the OpenAI SDK's request types.</summary>
internal static class OpenAIRequestMapper
{
    public static List<OpenAIChat.ChatMessage> ToMessages(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var result = new List<OpenAIChat.ChatMessage>();
        if (options?.Instructions is { Length: > 0 } instructions) result.Add(new OpenAIChat.SystemChatMessage(instructions));

        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System) result.Add(new OpenAIChat.SystemChatMessage(message.Text));
            else if (message.Role == ChatRole.Assistant) AddAssistant(result, message);
            else if (message.Role == ChatRole.User || message.Role == ChatRole.Tool) AddUserOrTool(result, message);
            else throw new NotSupportedException($"Chat role '{message.Role}' has no OpenAI equivalent.");
        }
        return result;
    }

    public static OpenAIChat.ChatCompletionOptions ToOptions(ChatOptions? options, int defaultMaxTokens)
    {
        var result = new OpenAIChat.ChatCompletionOptions { MaxOutputTokenCount = options?.MaxOutputTokens ?? defaultMaxTokens };
        if (options is null) return result;

        result.Temperature = options.Temperature;
        result.TopP = options.TopP;
        result.FrequencyPenalty = options.FrequencyPenalty;
        result.PresencePenalty = options.PresencePenalty;
        if (options.StopSequences is { } stops)
            foreach (var stop in stops) result.StopSequences.Add(stop);

        if (options.Tools is { Count: > 0 } tools)
        {
            foreach (var tool in tools)
            {
                if (tool is not AIFunctionDeclaration function)
                    throw new NotSupportedException($"Tool '{tool.Name}' ({tool.GetType().Name}) is not supported; declare tools as AIFunctionDeclaration.");
                result.Tools.Add(OpenAIChat.ChatTool.CreateFunctionTool(
                    function.Name, function.Description, BinaryData.FromString(function.JsonSchema.GetRawText())));
            }
            result.AllowParallelToolCalls = options.AllowMultipleToolCalls;
            result.ToolChoice = options.ToolMode switch
            {
                NoneChatToolMode => OpenAIChat.ChatToolChoice.CreateNoneChoice(),
                AutoChatToolMode => OpenAIChat.ChatToolChoice.CreateAutoChoice(),
                RequiredChatToolMode { RequiredFunctionName: { } name } => OpenAIChat.ChatToolChoice.CreateFunctionChoice(name),
                RequiredChatToolMode => OpenAIChat.ChatToolChoice.CreateRequiredChoice(),
                _ => null,
            };
        }
        return result;
    }

    private static void AddAssistant(List<OpenAIChat.ChatMessage> result, ChatMessage message)
    {
        var calls = message.Contents.OfType<FunctionCallContent>()
            .Select(c => OpenAIChat.ChatToolCall.CreateFunctionToolCall(c.CallId, c.Name, SerializeArguments(c.Arguments)))
            .ToList();
        var text = message.Text;
        if (calls.Count == 0)
        {
            if (text.Length > 0) result.Add(new OpenAIChat.AssistantChatMessage(text));
            return;
        }
        var assistant = new OpenAIChat.AssistantChatMessage(calls);
        if (text.Length > 0) assistant.Content.Add(OpenAIChat.ChatMessageContentPart.CreateTextPart(text));
        result.Add(assistant);
    }

    private static void AddUserOrTool(List<OpenAIChat.ChatMessage> result, ChatMessage message)
    {
        var parts = new List<OpenAIChat.ChatMessageContentPart>();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case FunctionResultContent toolResult:
                    result.Add(new OpenAIChat.ToolChatMessage(toolResult.CallId, SerializeResult(toolResult.Result)));
                    break;
                case TextContent { Text.Length: > 0 } text:
                    parts.Add(OpenAIChat.ChatMessageContentPart.CreateTextPart(text.Text));
                    break;
                case DataContent data when data.HasTopLevelMediaType("image"):
                    parts.Add(OpenAIChat.ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(data.Data), data.MediaType));
                    break;
                case UriContent uri when uri.HasTopLevelMediaType("image"):
                    parts.Add(OpenAIChat.ChatMessageContentPart.CreateImagePart(uri.Uri));
                    break;
            }
        }
        if (parts.Count > 0) result.Add(new OpenAIChat.UserChatMessage(parts));
    }

    private static BinaryData SerializeArguments(IDictionary<string, object?>? arguments)
        => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(
            arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>))));

    private static string SerializeResult(object? result) => result switch
    {
        null => string.Empty,
        string text => text,
        JsonElement json => json.GetRawText(),
        _ => JsonSerializer.Serialize(result, AIJsonUtilities.DefaultOptions.GetTypeInfo(result.GetType())),
    };
}
