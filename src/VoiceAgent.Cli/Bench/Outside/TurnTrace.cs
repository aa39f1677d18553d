using System.Diagnostics;

namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>
/// The moments of one turn on the bench's clock: prompt sent (caller), model asked and each delta sent
/// (stand-in), each text frame received (caller). Text is matched by cumulative non-blank characters, so the
/// server may merge or split deltas into frames without breaking the per-token figure.
/// </summary>
internal sealed class TurnTrace
{
    private readonly long[] _deltaAt;
    private readonly int[] _deltaChars;
    private const int HeardKept = 120;
    private readonly List<(long At, int Chars)> _frames = [];
    private readonly System.Text.StringBuilder _heard = new();
    private long _modelAskedAt;
    private int _frameChars;

    public TurnTrace(int tokens)
    {
        _deltaAt = new long[tokens];
        _deltaChars = new int[tokens];
    }

    public long PromptSentAt { get; set; }

    /// <summary>Why the turn failed at the caller; null when it completed.</summary>
    public string? Failure { get; set; }

    /// <summary>True once the caller saw the reply's <c>last:true</c> frame.</summary>
    public bool Completed { get; set; }

    /// <summary>Only the first request of a turn counts (a retry after a fault is the server's business).</summary>
    public void ModelAsked(long timestamp) => Interlocked.CompareExchange(ref _modelAskedAt, timestamp, 0);

    public void DeltaSent(int index, string text, long timestamp)
    {
        if ((uint)index >= (uint)_deltaAt.Length) return;
        _deltaAt[index] = timestamp;
        _deltaChars[index] = NonBlank(text);
    }

    /// <summary>A text frame arrived (called by the one reader of the call).</summary>
    public void FrameReceived(string token, long timestamp)
    {
        _frameChars += NonBlank(token);
        _frames.Add((timestamp, _frameChars));
        if (_heard.Length < HeardKept) _heard.Append(token, 0, Math.Min(token.Length, HeardKept - _heard.Length));
    }

    /// <summary>
    /// The turn's figures in milliseconds, or a reason it has none. Read after the run, when every delta's
    /// stamp is in (the stand-in stamps after its own write, which can finish after the caller's read).
    /// </summary>
    public TurnFigures Measure()
    {
        if (Failure is not null) return TurnFigures.Failed(Failure);
        if (!Completed) return TurnFigures.Failed("no reply with last:true");
        // The server answered without the model (a canned line: escalation, consent, fallback…): say what it said.
        if (_modelAskedAt == 0) return TurnFigures.Failed($"the model stand-in was never asked; the server answered \"{_heard}\"");
        var firstFrame = _frames.FindIndex(f => f.Chars > 0);
        if (firstFrame < 0 || _deltaAt[0] == 0) return TurnFigures.Failed("no text reached the caller");
        var tokens = new double[_deltaAt.Length];
        var cumulative = 0;
        var frame = 0;
        for (var k = 0; k < _deltaAt.Length; k++)
        {
            if (_deltaAt[k] == 0) return TurnFigures.Failed($"delta {k} was never sent");
            cumulative += _deltaChars[k];
            while (frame < _frames.Count && _frames[frame].Chars < cumulative) frame++;
            if (frame == _frames.Count) return TurnFigures.Failed($"the text of delta {k} never reached the caller");
            tokens[k] = Ms(_frames[frame].At - _deltaAt[k]);
        }
        return new TurnFigures(null, Ms(_modelAskedAt - PromptSentAt), Ms(_frames[firstFrame].At - _deltaAt[0]), tokens);
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static int NonBlank(string text)
    {
        var n = 0;
        foreach (var c in text) if (!char.IsWhiteSpace(c)) n++;
        return n;
    }
}

/// <summary>One turn's figures: ingress (prompt sent → model asked), egress (first delta sent → first text frame) and per-token relay, in ms.</summary>
internal sealed record TurnFigures(string? Failure, double IngressMs, double EgressMs, IReadOnlyList<double> TokenMs)
{
    public static TurnFigures Failed(string reason) => new(reason, double.NaN, double.NaN, []);
    public bool Ok => Failure is null;
}
