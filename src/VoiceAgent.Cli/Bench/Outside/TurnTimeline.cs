using System.Collections.Concurrent;
using System.Globalization;
using VoiceAgent.Emulators.ChatScript;

namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>
/// One clock for a load run: the callers stamp when they sent a prompt and when each text frame arrived, the
/// model stand-in (same process) stamps when it was asked and when it sent each delta, all with
/// <see cref="System.Diagnostics.Stopwatch"/>. Turns are matched by the tag each prompt carries
/// (<see cref="Prompt"/>), which the server passes on to the model as the user's words.
/// </summary>
internal sealed class TurnTimeline : IChatStreamObserver
{
    private const string TagStart = "Bench turn ";
    private readonly ConcurrentDictionary<string, TurnTrace> _turns = new(StringComparer.Ordinal);
    private readonly int _tokens;

    /// <param name="tokens">Text deltas per reply (the stand-in's script).</param>
    public TurnTimeline(int tokens) => _tokens = tokens;

    /// <summary>The prompt a caller says for turn <paramref name="turn"/> of call <paramref name="call"/>.</summary>
    public static string Prompt(string call, int turn) => string.Create(CultureInfo.InvariantCulture, $"{TagStart}{call}.{turn}: what are your opening hours?");

    /// <summary>Registers a turn before its prompt is sent.</summary>
    public TurnTrace Begin(string call, int turn)
    {
        var trace = new TurnTrace(_tokens);
        _turns[string.Create(CultureInfo.InvariantCulture, $"{call}.{turn}")] = trace;
        return trace;
    }

    public void RequestAccepted(RecordedChatRequest request, long timestamp)
    {
        if (Find(request) is { } trace) trace.ModelAsked(timestamp);
    }

    public void TextDeltaSent(RecordedChatRequest request, int deltaIndex, string text, long timestamp)
    {
        if (Find(request) is { } trace) trace.DeltaSent(deltaIndex, text, timestamp);
    }

    private TurnTrace? Find(RecordedChatRequest request)
    {
        var text = request.LastUserText;
        var start = text.IndexOf(TagStart, StringComparison.Ordinal);
        if (start < 0) return null;
        start += TagStart.Length;
        var end = text.IndexOf(':', start);
        return end < 0 ? null : _turns.GetValueOrDefault(text[start..end]);
    }
}
