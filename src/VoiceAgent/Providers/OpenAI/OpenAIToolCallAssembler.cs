using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAIChat = OpenAI.Chat;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>
/// Collects streamed tool-call fragments keyed by their index (id and name from the first fragment, arguments
/// concatenated) and turns them into <see cref="FunctionCallContent"/> once the choice finishes.
/// </summary>
internal sealed class OpenAIToolCallAssembler
{
    private readonly SortedDictionary<int, Builder> _calls = [];

    public bool HasPending => _calls.Count > 0;

    public void Add(IReadOnlyList<OpenAIChat.StreamingChatToolCallUpdate> fragments)
    {
        foreach (var fragment in fragments)
        {
            if (!_calls.TryGetValue(fragment.Index, out var call)) _calls[fragment.Index] = call = new Builder();
            call.Id ??= fragment.ToolCallId;
            call.Name ??= fragment.FunctionName;
            if (fragment.FunctionArgumentsUpdate is { } arguments && !arguments.IsEmpty) call.Arguments.Append(arguments.ToString());
        }
    }

    /// <summary>Adds the assembled calls, in index order, to <paramref name="contents"/> and forgets them.</summary>
    public void DrainTo(IList<AIContent> contents)
    {
        foreach (var call in _calls.Values)
        {
            contents.Add(FunctionCallContent.CreateFromParsedArguments(
                call.Arguments.ToString(), call.Id ?? string.Empty, call.Name ?? string.Empty, ParseArguments));
        }
        _calls.Clear();
    }

    private static IDictionary<string, object?>? ParseArguments(string json)
        => string.IsNullOrWhiteSpace(json)
            ? new Dictionary<string, object?>()
            : (IDictionary<string, object?>?)JsonSerializer.Deserialize(json, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));

    private sealed class Builder
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public StringBuilder Arguments { get; } = new();
    }
}
