using System.Text.Json;
using VoiceAgent.Emulators.Twilio.MediaStreams;

namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>What one emulated Media Streams caller measured.</summary>
/// <param name="SpeechEndToAudioMs">Per reply: the caller's last frame of speech sent → the reply's first frame arriving.</param>
internal sealed record MediaCallResult(int Turns, int FailedTurns, string? FirstFailure, PlayoutFigures Playout, double[] ClearAfterOnsetMs, double[] SpeechEndToAudioMs);

/// <summary>
/// One real-time Media Streams caller of the media bench: says a question (every second caller with a 200 ms pause in
/// its middle, where a speculative reply starts and is discarded), listens to the reply to its end (its last mark echoed); on every second turn it talks over the reply once 400 ms of it has played and times speech onset →
/// <c>clear</c>, then listens to the answer to the interruption. At hang-up, the arrival times of everything the server
/// sent are replayed through the carrier's jitter buffer (<see cref="PlayoutAnalysis"/>), and each utterance's end (its
/// last frame sent) is matched with the first reply frame that arrived after it: speech end → first audio.
/// </summary>
internal sealed class MediaLoadCall(Uri connectUrl, string signedUrl, string authToken, string accountSid, int turns, LoadProgress progress)
{
    /// <summary>Bounds every wait of a turn; only a broken turn reaches it.</summary>
    private static readonly TimeSpan TurnTimeout = TimeSpan.FromSeconds(30);
    private static readonly byte[] Question = SyntheticSpeech.MuLaw8k(1200);
    /// <summary>
    /// The same question with a 200 ms pause in the middle: longer than the STT's early final (150 ms of quiet), shorter
    /// than its endpoint (300 ms), so a speculative reply starts on the first half and is discarded when the caller goes on.
    /// </summary>
    private static readonly byte[] PausingQuestion = [.. SyntheticSpeech.MuLaw8k(600), .. Silence(200), .. SyntheticSpeech.MuLaw8k(600)];
    private static readonly byte[] Interruption = SyntheticSpeech.MuLaw8k(900, pitchHz: 180);

    public async Task<MediaCallResult> RunAsync(int index, CancellationToken cancellationToken)
    {
        await using var caller = await MediaStreamsCaller.ConnectAsync(connectUrl, signedUrl, authToken,
            new MediaStreamsCallerOptions { AccountSid = accountSid }, cancellationToken);
        var clears = new List<double>();
        var speechEnds = new List<TimeSpan>();
        int ok = 0, failed = 0;
        string? failure = null;
        for (var turn = 0; turn < turns; turn++)
        {
            try
            {
                if (turn % 2 == 1) clears.Add(await BargeInTurnAsync(caller, speechEnds, cancellationToken));
                else await TurnAsync(caller, index % 2 == 1 ? PausingQuestion : Question, speechEnds, cancellationToken); // every second caller pauses mid-question
                ok++;
                progress.TurnDone(true);
            }
            // A wait the caller's closed line cancelled (the server ended the call) is a failed turn too, not the end of the bench.
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                failed++;
                failure ??= $"call {index} turn {turn}: {ex.Message}";
                progress.TurnDone(false);
                if (caller.Closed) break;
            }
            // A short pause between turns, different per call so the calls do not stay in lock-step.
            await Task.Delay(TimeSpan.FromMilliseconds(300 + index % 7 * 50), cancellationToken);
        }
        await caller.HangUpAsync(cancellationToken);
        var frames = caller.ReceivedFrames.Select(f => new ArrivedFrame(f.Event, f.ReceivedAt, f.Event == "mark" ? MarkName(f.Json) : null));
        return new MediaCallResult(ok, failed, failure, PlayoutAnalysis.Analyze(frames), [.. clears], FirstAudioAfter(caller, speechEnds));
    }

    /// <summary>For each speech end, the first media frame that arrived after it (none: the reply never came, not counted).</summary>
    private static double[] FirstAudioAfter(MediaStreamsCaller caller, List<TimeSpan> speechEnds)
    {
        var media = caller.ReceivedFrames.Where(f => f.Event == "media").Select(f => f.ReceivedAt).ToArray();
        var result = new List<double>();
        foreach (var end in speechEnds)
        {
            var next = Array.FindIndex(media, at => at > end);
            if (next >= 0) result.Add((media[next] - end).TotalMilliseconds);
        }
        return [.. result];
    }

    private static async Task TurnAsync(MediaStreamsCaller caller, byte[] question, List<TimeSpan> speechEnds, CancellationToken cancellationToken)
    {
        var ended = EndedReplies(caller);
        await caller.PlayAsync(question, cancellationToken);
        speechEnds.Add(caller.Elapsed); // the last frame of the question has been sent
        await caller.WaitForMarkEchoesAsync(IsReplyEnd, ended + 1, cancellationToken).WaitAsync(TurnTimeout, cancellationToken);
    }

    /// <returns>Speech onset → the server's <c>clear</c> arriving, in ms.</returns>
    private static async Task<double> BargeInTurnAsync(MediaStreamsCaller caller, List<TimeSpan> speechEnds, CancellationToken cancellationToken)
    {
        var ended = EndedReplies(caller);
        var heard = caller.HeardBytes;
        var clears = caller.Clears.Count;
        await caller.PlayAsync(Question, cancellationToken);
        speechEnds.Add(caller.Elapsed);
        await caller.WaitForHeardAudioAsync(heard + 3200, cancellationToken).WaitAsync(TurnTimeout, cancellationToken); // 400 ms of the reply played
        // The line sends the first frame of queued speech on its next 20 ms tick.
        var onset = TimeSpan.FromMilliseconds(Math.Ceiling(caller.Elapsed.TotalMilliseconds / 20) * 20);
        var speaking = caller.PlayAsync(Interruption, cancellationToken);
        var clear = await caller.WaitForClearAsync(clears + 1, cancellationToken).WaitAsync(TurnTimeout, cancellationToken);
        await speaking.WaitAsync(TurnTimeout, cancellationToken);
        speechEnds.Add(caller.Elapsed); // the interruption's last frame: the answer to it follows
        // The answer to the interruption plays to its end (the cut reply's marks came back due to the clear).
        await caller.WaitForMarkEchoesAsync(IsReplyEnd, ended + 1, cancellationToken).WaitAsync(TurnTimeout, cancellationToken);
        return (clear.ReceivedAt - onset).TotalMilliseconds;
    }

    private static bool IsReplyEnd(MediaStreamsMarkEcho echo) => !echo.DueToClear && echo.Name.EndsWith("end", StringComparison.Ordinal);

    private static int EndedReplies(MediaStreamsCaller caller) => caller.MarkEchoes.Count(IsReplyEnd);

    private static byte[] Silence(int milliseconds)
    {
        var bytes = new byte[milliseconds * 8];
        Array.Fill(bytes, (byte)0xFF); // μ-law digital silence
        return bytes;
    }

    private static string? MarkName(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("mark", out var mark) && mark.TryGetProperty("name", out var name) ? name.GetString() : null;
    }
}
