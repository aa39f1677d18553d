namespace VoiceAgent.Observability;

/// <summary>One row of the latency budget: a hop, where the server measures it, and the budget it is held to.</summary>
/// <param name="Key">Stable key (JSON output).</param>
/// <param name="Name">What the hop is.</param>
/// <param name="Transports">Transports on which it applies, as the logs name them.</param>
/// <param name="Low">Lower end of the budget in ms (null: no lower figure).</param>
/// <param name="High">Upper end of the budget in ms, the figure p95 is compared with (null: no budget).</param>
/// <param name="MeasuredBy">Which log field measures it, or why the server cannot.</param>
internal sealed record BudgetRow(string Key, string Name, string[] Transports, double? Low, double? High, string MeasuredBy)
{
    public bool Observable => Key.Length > 0 && !MeasuredBy.StartsWith("not observable", StringComparison.Ordinal);
}

/// <summary>
/// The documented latency budget (docs/latency.md, "The budget"), from the source's table: STT 300–500 ms,
/// relay ~50 ms, first model token 400–800 ms, first TTS audio 200–400 ms, total first audio 1.0–1.7 s on
/// ConversationRelay, ~500 ms round trip on the tuned audio path. Rows without a budget are our own hops, shown
/// so the split adds up. This is the one table in code (the analyze command and the live dashboard read it); keep docs/latency.md in step.
/// </summary>
internal static class LatencyBudget
{
    public const string ConversationRelay = "conversation-relay";
    public const string MediaStreams = "media-streams";
    public const string Vonage = "vonage";

    private static readonly string[] Relay = [ConversationRelay];
    private static readonly string[] Audio = [MediaStreams, Vonage];
    private static readonly string[] All = [ConversationRelay, MediaStreams, Vonage];

    public static IReadOnlyList<BudgetRow> Rows { get; } =
    [
        new("stt", "STT: speech end → final transcript", Audio, 300, 500, "first-audio line (5010) SttMs"),
        new("relay", "Twilio relay hop", Relay, null, 50, "not observable on the server: the hop is inside Twilio, before the prompt frame reaches us"),
        new("receive_to_model_request", "receive → model request (ours)", All, null, null, "turn summary (2001) ReceiveToModelRequestMs"),
        new("model_first_token", "first model token: request → first delta", All, 400, 800, "turn summary (2001) ModelFirstDeltaMs"),
        new("first_delta_to_first_frame", "first delta → first frame out (ours)", All, null, null, "turn summary (2001) FirstDeltaToFirstFrameMs"),
        new("first_to_last_frame", "first frame → last frame (reply length)", All, null, null, "turn summary (2001) FirstToLastFrameMs"),
        new("first_tts_audio", "first TTS audio: text in → audio back", Audio, 200, 400, "first-audio line (5010) TtsMs"),
        new("server_share", "server share of speech end → first audio (ours)", Audio, null, null, "first-audio line (5010) ServerShareMs"),
        new("relay_first_frame", "total first audio, server part: receive → first token out", Relay, 1000, 1700, "turn summary (2001) ReceiveToFirstFrameMs; Twilio's STT, relay hops and TTS are outside it"),
        new("audio_first_audio", "total first audio: speech end → first media frame", Audio, null, 500, "first-audio line (5010) SpeechEndToAudioMs"),
        new("carrier_playout", "first frame sent → first mark echoed (carrier, network, first chunk)", Audio, null, null, "heard line (2050) SentToHeardMs"),
        new("audio_heard", "caller heard: speech end → first mark echoed", Audio, null, null, "heard line (2050) SpeechEndToHeardMs"),
    ];
}
