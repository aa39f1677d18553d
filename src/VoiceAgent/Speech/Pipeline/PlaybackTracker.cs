using System.Text;

namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// What the caller has actually heard of the current reply. Each synthesised chunk is followed by a mark; the
/// carrier echoes a mark once the audio before it has played. Heard text = the chunks whose marks came back,
/// plus the characters of the playing chunk whose start time (TTS alignment) has passed since the last echo.
/// Marks echoed after a <c>clear</c> prove nothing (the carrier flushes them all) and are ignored.
/// </summary>
internal sealed class PlaybackTracker(TimeProvider clock)
{
    private readonly List<Segment> _segments = [];
    private readonly StringBuilder _heard = new();
    private int _nextPlayed;
    private long _playingSince;
    private int _generation;

    private sealed record Segment(string Mark, string Text, IReadOnlyList<int> CharStartMs, bool EndOfReply);

    /// <summary>Marks carry the generation so echoes from before a clear are recognised.</summary>
    public int Generation => _generation;

    public bool HasUnplayedAudio => _nextPlayed < _segments.Count;

    /// <summary>How many of the current reply's chunks the carrier has confirmed played (grows with each echoed mark).</summary>
    public int PlayedSegments => _nextPlayed;

    /// <summary>When the last audio of a reply finished playing (its final mark came back); 0 if never.</summary>
    public long ReplyPlayedAt { get; private set; }

    /// <summary>Registers a chunk that was just queued, followed by <paramref name="mark"/>.</summary>
    public void Queued(string mark, string text, IReadOnlyList<int> charStartMs, bool endOfReply)
    {
        if (_segments.Count == _nextPlayed) _playingSince = clock.GetTimestamp();
        _segments.Add(new Segment(mark, text, charStartMs, endOfReply));
    }

    /// <summary>The carrier echoed <paramref name="mark"/>. Returns true when it closed a reply.</summary>
    public bool MarkPlayed(string mark)
    {
        for (var i = _nextPlayed; i < _segments.Count; i++)
        {
            if (_segments[i].Mark != mark) continue;
            for (var j = _nextPlayed; j <= i; j++) _heard.Append(_segments[j].Text);
            _nextPlayed = i + 1;
            _playingSince = clock.GetTimestamp();
            if (_segments[i].EndOfReply)
            {
                ReplyPlayedAt = _playingSince;
                return true;
            }
            return false;
        }
        return false; // stale (before a clear) or unknown
    }

    /// <summary>All the text of the current reply that was synthesised so far (heard or still queued).</summary>
    public string ReplyText()
    {
        var text = new StringBuilder();
        foreach (var segment in _segments) text.Append(segment.Text);
        return text.ToString();
    }

    /// <summary>What the caller heard of the current reply, as of now.</summary>
    public string HeardText()
    {
        if (_nextPlayed >= _segments.Count) return _heard.ToString();
        var playing = _segments[_nextPlayed];
        var elapsedMs = clock.GetElapsedTime(_playingSince).TotalMilliseconds;
        var chars = 0;
        while (chars < playing.CharStartMs.Count && chars < playing.Text.Length && playing.CharStartMs[chars] <= elapsedMs) chars++;
        return _heard.ToString() + WholeWords(playing.Text, chars);
    }

    // A half-heard word was not heard: cut back to the last word boundary inside the first `chars` characters.
    private static string WholeWords(string text, int chars)
    {
        if (chars >= text.Length) return text;
        if (chars == 0) return "";
        var space = text.LastIndexOf(' ', chars - 1);
        return space < 0 ? "" : text[..(space + 1)];
    }

    /// <summary>Starts a new reply.</summary>
    public void BeginReply()
    {
        _segments.Clear();
        _heard.Clear();
        _nextPlayed = 0;
    }

    /// <summary>The carrier's buffer was cleared: nothing queued will play, and its marks are meaningless.</summary>
    public void Cleared()
    {
        _generation++;
        _segments.RemoveRange(_nextPlayed, _segments.Count - _nextPlayed);
    }
}
