using System.Text;

namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// Joins the final transcript pieces of one caller utterance until the provider (or our end-of-utterance rule) closes
/// it: the text, the lowest confidence of its pieces and the speech they cover.
/// </summary>
internal sealed class UtteranceAssembler
{
    private readonly StringBuilder _text = new();
    private double _confidence = 1;
    private TimeSpan _duration;

    public bool IsEmpty => _text.Length == 0;

    /// <summary>The final pieces joined so far.</summary>
    public string Text => _text.ToString();

    /// <summary>The final pieces so far followed by an interim's words (which cover the audio since the last final).</summary>
    public string With(string interim)
    {
        interim = interim.Trim();
        return interim.Length == 0 ? Text : _text.Length == 0 ? interim : _text + " " + interim;
    }

    /// <summary>Adds one final piece; blank pieces are ignored.</summary>
    public void AddFinal(string text, double confidence, TimeSpan duration)
    {
        text = text.Trim();
        if (text.Length == 0) return;
        if (_text.Length > 0) _text.Append(' ');
        _text.Append(text);
        _confidence = Math.Min(_confidence, confidence);
        _duration += duration;
    }

    /// <summary>Takes the utterance so far and starts the next one.</summary>
    public Utterance Take()
    {
        var utterance = new Utterance(_text.ToString(), _confidence, _duration);
        _text.Clear();
        _confidence = 1;
        _duration = TimeSpan.Zero;
        return utterance;
    }
}

/// <summary>One caller utterance as STT heard it: the joined finals, their lowest confidence, and the speech they cover.</summary>
internal readonly record struct Utterance(string Text, double Confidence, TimeSpan Duration);
