using VoiceAgent.Observability;
using System.Globalization;
using System.Text.Json;

namespace VoiceAgent.Cli.Analyze;

/// <summary>
/// Reads the server's JSON console log (LOG_FORMAT=json: one object per line) and groups the turn events by call
/// and turn. Lines that are not a JSON log event, or a turn event without its CallId, TurnId or Timestamp, are
/// skipped and counted; other events are ignored.
/// </summary>
internal sealed class LogReader
{
    /// <summary>The turn summary (every transport): EventIds.TurnCompleted.</summary>
    public const int TurnSummaryEvent = 2001;
    /// <summary>The audio path's per-reply first-audio line.</summary>
    public const int FirstAudioEvent = 5010;
    /// <summary>The audio path's per-reply "caller heard it" line (first mark echoed): EventIds.TurnHeard.</summary>
    public const int HeardEvent = 2050;
    /// <summary>The per-call summary with usage and cost: EventIds.CallCost.</summary>
    public const int CallCostEvent = 1050;

    private static readonly (string Field, string Hop)[] SummaryHops =
    [
        ("ReceiveToModelRequestMs", "receive_to_model_request"),
        ("ModelFirstDeltaMs", "model_first_token"),
        ("FirstDeltaToFirstFrameMs", "first_delta_to_first_frame"),
        ("FirstToLastFrameMs", "first_to_last_frame"),
    ];

    private static readonly (string Field, string Hop)[] FirstAudioHops =
    [
        ("SttMs", "stt"),
        ("TtsMs", "first_tts_audio"),
        ("ServerShareMs", "server_share"),
        ("SpeechEndToAudioMs", "audio_first_audio"),
    ];

    private static readonly (string Field, string Hop)[] HeardHops =
    [
        ("SpeechEndToHeardMs", "audio_heard"),
        ("SentToHeardMs", "carrier_playout"),
    ];

    private readonly Dictionary<(string CallId, int TurnId), TurnRecord> _turns = new();
    private readonly Dictionary<string, CallCostRecord> _calls = new(StringComparer.Ordinal);

    /// <summary>The per-call cost lines, one per call (the last one wins if a call was logged twice).</summary>
    public IEnumerable<CallCostRecord> Calls => _calls.Values;

    public int Lines { get; private set; }
    public int SkippedLines { get; private set; }
    /// <summary>1-based number of the first skipped line (0: none).</summary>
    public int FirstSkippedLine { get; private set; }
    public IEnumerable<TurnRecord> Turns => _turns.Values;

    public async Task ReadAsync(TextReader reader, CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            Lines++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (!TryRead(line)) Skip();
        }
    }

    private void Skip()
    {
        SkippedLines++;
        if (FirstSkippedLine == 0) FirstSkippedLine = Lines;
    }

    private bool TryRead(string line)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(line); }
        catch (JsonException) { return false; }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("EventId", out var id) || !id.TryGetInt32(out var eventId))
                return false;
            if (eventId is not (TurnSummaryEvent or FirstAudioEvent or HeardEvent or CallCostEvent)) return true;
            if (!root.TryGetProperty("State", out var state) || state.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("Timestamp", out var ts) || ts.ValueKind != JsonValueKind.String
                || !DateTimeOffset.TryParse(ts.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var timestamp)
                || Text(state, "CallId") is not { Length: > 0 } callId)
                return false;
            if (eventId == CallCostEvent) return TryReadCost(state, callId, timestamp);
            if (Integer(state, "TurnId") is not { } turnId) return false;

            if (!_turns.TryGetValue((callId, turnId), out var turn))
                _turns[(callId, turnId)] = turn = new TurnRecord(callId, turnId) { Timestamp = timestamp };
            turn.Transport ??= Text(state, "Transport");
            if (eventId == TurnSummaryEvent)
            {
                turn.HasSummary = true;
                turn.Timestamp = timestamp;
                turn.Outcome = Text(state, "Outcome");
                Copy(state, SummaryHops, turn);
                // On ConversationRelay the first frame out is the first audio the server controls.
                if (turn.Transport == LatencyBudget.ConversationRelay && Number(state, "ReceiveToFirstFrameMs") is { } first) turn.Hops["relay_first_frame"] = first;
            }
            else
            {
                Copy(state, eventId == HeardEvent ? HeardHops : FirstAudioHops, turn);
            }
            return true;
        }
    }

    private bool TryReadCost(JsonElement state, string callId, DateTimeOffset timestamp)
    {
        if (Number(state, "TotalCost") is not { } total || Number(state, "DurationSeconds") is not { } seconds || Text(state, "Currency") is not { } currency)
            return false;
        _calls[callId] = new CallCostRecord(callId, Text(state, "Transport"), timestamp, seconds, Integer(state, "Turns") ?? 0, currency, total,
            Number(state, "CarrierCost") ?? 0, Number(state, "SttCost") ?? 0, Number(state, "ModelCost") ?? 0, Number(state, "TtsCost") ?? 0);
        return true;
    }

    private static void Copy(JsonElement state, (string Field, string Hop)[] map, TurnRecord turn)
    {
        foreach (var (field, hop) in map)
            if (Number(state, field) is { } ms) turn.Hops[hop] = ms;
    }

    private static string? Text(JsonElement state, string name) =>
        state.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Integer(JsonElement state, string name)
    {
        if (!state.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n)) return n;
        return v.ValueKind == JsonValueKind.String && int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out n) ? n : null;
    }

    private static double? Number(JsonElement state, string name)
    {
        if (!state.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        return v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }
}
