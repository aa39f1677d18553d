namespace VoiceAgent.Emulators.Deepgram;

/// <summary>
/// A deliberately simple voice-activity detector for the emulator. Audio is cut into 20 ms frames; a frame
/// is loud when its RMS exceeds a threshold. Speech starts after a few loud frames in a row, and a segment
/// ends after <c>endpointing</c> of quiet (stream time, not wall-clock: audio sent faster than real time is
/// processed as fast). A quiet gap of <c>utterance_end_ms</c> after a segment yields an utterance end.
/// </summary>
internal sealed class EnergySegmenter
{
    private readonly int _sampleRate;
    private readonly double _threshold;
    private readonly int _onsetFrames;
    private readonly double? _endpointing;
    private readonly double? _utteranceEnd;
    private readonly double _interimInterval;
    private readonly double? _finalizeAfterQuiet;
    private readonly short[] _frame;
    private int _filled;
    private long _samples;

    private int _loudRun;
    private double _candidateStart;
    private bool _inSegment;
    private double _segmentStart;
    private double _lastLoudEnd;
    private double _nextInterimAt;
    private bool _utteranceEndPending;
    private double _pieceStart;
    private bool _pieceFinalized;

    /// <param name="endpointing">Quiet that ends a segment; null when endpointing is off (a segment then ends after one second of quiet, or the utterance-end gap if longer, without the endpoint flag).</param>
    /// <param name="utteranceEnd">Quiet after a segment that yields <see cref="SegmenterEventKind.UtteranceEnded"/>; null for none.</param>
    /// <param name="finalizeAfterQuiet">A pause this long (shorter than the endpoint) finalizes the words so far without ending the segment; null: never.</param>
    public EnergySegmenter(int sampleRate, double rmsThreshold, int onsetFrames, TimeSpan? endpointing, TimeSpan? utteranceEnd, TimeSpan interimInterval,
        TimeSpan? finalizeAfterQuiet = null)
    {
        _finalizeAfterQuiet = finalizeAfterQuiet?.TotalSeconds;
        _sampleRate = sampleRate;
        _threshold = rmsThreshold;
        _onsetFrames = Math.Max(1, onsetFrames);
        _endpointing = endpointing?.TotalSeconds;
        _utteranceEnd = utteranceEnd?.TotalSeconds;
        _interimInterval = interimInterval.TotalSeconds;
        _frame = new short[Math.Max(1, sampleRate / 50)];
    }

    /// <summary>Seconds of audio consumed so far.</summary>
    public double StreamSeconds => (double)_samples / _sampleRate;

    public bool InSegment => _inSegment;

    public void Push(ReadOnlySpan<short> samples, List<SegmenterEvent> output)
    {
        while (!samples.IsEmpty)
        {
            var take = Math.Min(samples.Length, _frame.Length - _filled);
            samples[..take].CopyTo(_frame.AsSpan(_filled));
            _filled += take;
            samples = samples[take..];
            if (_filled < _frame.Length) return;

            var start = StreamSeconds;
            _samples += _frame.Length;
            _filled = 0;
            OnFrame(start, StreamSeconds, Rms(_frame) > _threshold, output);
        }
    }

    /// <summary>Ends the current segment now (Finalize, CloseStream). Returns false when no speech was in progress.</summary>
    public bool Flush(List<SegmenterEvent> output)
    {
        if (!_inSegment) return false;
        EndSegment(endpoint: false, output);
        return true;
    }

    private void OnFrame(double start, double end, bool loud, List<SegmenterEvent> output)
    {
        if (!_inSegment)
        {
            if (!loud) _loudRun = 0;
            else if (++_loudRun == 1) _candidateStart = start;

            if (_loudRun >= _onsetFrames)
            {
                _inSegment = true;
                _utteranceEndPending = false;
                _segmentStart = _candidateStart;
                _pieceStart = _candidateStart;
                _pieceFinalized = false;
                _lastLoudEnd = end;
                _nextInterimAt = _segmentStart + _interimInterval;
                output.Add(new(SegmenterEventKind.SpeechStarted, _segmentStart, _segmentStart));
            }
            else if (_utteranceEndPending && end - _lastLoudEnd >= _utteranceEnd)
            {
                _utteranceEndPending = false;
                output.Add(new(SegmenterEventKind.UtteranceEnded, _lastLoudEnd, _lastLoudEnd));
            }
            return;
        }

        if (loud)
        {
            _lastLoudEnd = end;
            if (_pieceFinalized)
            {
                _pieceFinalized = false;
                output.Add(new(SegmenterEventKind.Resumed, start, start));
            }
        }
        if (end >= _nextInterimAt && !_pieceFinalized)
        {
            output.Add(new(SegmenterEventKind.Interim, _pieceStart, end));
            _nextInterimAt += _interimInterval;
        }

        var quiet = end - _lastLoudEnd;
        if (_finalizeAfterQuiet is double finalizeAfter && !_pieceFinalized && quiet >= finalizeAfter && quiet < (_endpointing ?? double.MaxValue))
        {
            // Deepgram finalizes words it is sure of before the endpoint; each final covers the audio since the previous one.
            _pieceFinalized = true;
            output.Add(new(SegmenterEventKind.PieceFinalized, _pieceStart, _lastLoudEnd));
            _pieceStart = _lastLoudEnd;
        }
        if (_endpointing is double endpointing)
        {
            if (quiet >= endpointing) EndSegment(endpoint: true, output);
        }
        else if (quiet >= Math.Max(1.0, _utteranceEnd ?? 0))
        {
            EndSegment(endpoint: false, output);
        }
    }

    private void EndSegment(bool endpoint, List<SegmenterEvent> output)
    {
        _inSegment = false;
        _loudRun = 0;
        _utteranceEndPending = _utteranceEnd is not null;
        output.Add(new(SegmenterEventKind.SegmentEnded, _pieceStart, Math.Max(_pieceStart, _lastLoudEnd), endpoint));
    }

    private static double Rms(ReadOnlySpan<short> frame)
    {
        double sum = 0;
        foreach (var sample in frame) sum += (double)sample * sample;
        return Math.Sqrt(sum / frame.Length);
    }
}
