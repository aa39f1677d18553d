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
/// <remarks>
/// Each turn of a call asks a different question: the server hands a caller who asks the same question
/// <c>LOOP_REPEAT_COUNT</c> (3) times to a person without asking the model (the loop escalation, on by default), so a
/// caller repeating one prompt had its third turn answered by the operator line and counted as failed.
/// </remarks>
internal sealed class TurnTimeline : IChatStreamObserver
{
    private const string TagStart = "Bench turn ";
    private readonly ConcurrentDictionary<string, TurnTrace> _turns = new(StringComparer.Ordinal);
    private readonly int _tokens;

    /// <param name="tokens">Text deltas per reply (the stand-in's script).</param>
    public TurnTimeline(int tokens) => _tokens = tokens;

    // Distinct, neutral questions (no shared content words, no request for a person, no negative words), more of
    // them than the loop detector's default window of 6 turns, so no question comes back within it.
    private static readonly string[] Questions =
    [
        "what are your opening hours on weekdays?",
        "where is the nearest branch to the city centre?",
        "how much does standard delivery cost abroad?",
        "could my parcel arrive before Friday morning?",
        "which payment cards does the shop accept online?",
        "when will the spring catalogue be published?",
        "is parking available beside your main office building?",
        "does the warranty cover accidental water damage?",
        "how long do refunds take to reach a bank account?",
        "may I change the shipping address after ordering?",
    ];

    /// <summary>The prompt a caller says for turn <paramref name="turn"/> of call <paramref name="call"/>: the tag, then a question of its own.</summary>
    public static string Prompt(string call, int turn)
        => string.Create(CultureInfo.InvariantCulture, $"{TagStart}{call}.{turn}: {Questions[turn % Questions.Length]}");

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
