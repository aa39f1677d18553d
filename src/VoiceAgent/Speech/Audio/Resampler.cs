namespace VoiceAgent.Speech.Audio;

/// <summary>
/// Streaming 2× sample-rate converter between 8 kHz (Twilio, ElevenLabs <c>ulaw_8000</c>) and 16 kHz
/// (Vonage, STT) with the <see cref="HalfBandKernel"/> low-pass. Filter history is carried across calls,
/// so feeding a stream in 20 ms frames gives exactly the same samples as converting it in one go.
/// Up-sampling interpolates between the original samples; down-sampling filters out everything above
/// 4 kHz before dropping every second sample. One instance per direction per call; not thread-safe.
/// </summary>
internal sealed class Resampler
{
    private const int UpWindow = 2 * HalfBandKernel.SideTapCount;          // 32 input samples at the low rate
    private const int DownWindow = (2 * HalfBandKernel.HalfLength) + 2;     // 63 taps padded to 64

    private readonly Mode _mode;
    private readonly float[] _taps;
    private readonly float[] _line;
    private readonly int _window;
    private int _position;
    private bool _oddPending;

    /// <summary>Creates a converter from <paramref name="inputRate"/> to <paramref name="outputRate"/> (each 8000 or 16000).</summary>
    public Resampler(int inputRate, int outputRate)
    {
        if (!IsSupported(inputRate) || !IsSupported(outputRate))
        {
            throw new ArgumentOutOfRangeException(nameof(inputRate), $"Only 8000 Hz and 16000 Hz are supported; got {inputRate} Hz → {outputRate} Hz.");
        }

        InputRate = inputRate;
        OutputRate = outputRate;
        _mode = inputRate == outputRate ? Mode.Copy : inputRate < outputRate ? Mode.Up : Mode.Down;
        _window = _mode == Mode.Up ? UpWindow : DownWindow;
        _taps = _mode switch
        {
            Mode.Up => BuildUpTaps(),
            Mode.Down => BuildDownTaps(),
            _ => [],
        };
        _line = _mode == Mode.Copy ? [] : new float[2 * _window];
    }

    public int InputRate { get; }

    public int OutputRate { get; }

    /// <summary>Samples <see cref="Process"/> will write for <paramref name="inputLength"/> input samples given the current state.</summary>
    public int GetOutputLength(int inputLength) => _mode switch
    {
        Mode.Up => inputLength * 2,
        Mode.Down => (inputLength + (_oddPending ? 1 : 0)) / 2,
        _ => inputLength,
    };

    /// <summary>Converts the next piece of the stream and returns how many samples were written to <paramref name="output"/>.</summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        int needed = GetOutputLength(input.Length);
        if (output.Length < needed)
        {
            throw new ArgumentException($"Output holds {output.Length} samples but {needed} are produced.", nameof(output));
        }

        switch (_mode)
        {
            case Mode.Up:
                Upsample(input, output);
                break;
            case Mode.Down:
                Downsample(input, output);
                break;
            default:
                input.CopyTo(output);
                break;
        }

        return needed;
    }

    /// <summary>Forgets the filter history (e.g. after playback was cleared).</summary>
    public void Reset()
    {
        Array.Clear(_line);
        _position = 0;
        _oddPending = false;
    }

    private void Upsample(ReadOnlySpan<short> input, Span<short> output)
    {
        const int centre = HalfBandKernel.SideTapCount - 1;
        int o = 0;
        foreach (short sample in input)
        {
            ReadOnlySpan<float> window = Push(sample);
            output[o++] = Saturate(window[centre]);
            output[o++] = Saturate(VectorMath.Dot(window, _taps));
        }
    }

    private void Downsample(ReadOnlySpan<short> input, Span<short> output)
    {
        int o = 0;
        foreach (short sample in input)
        {
            ReadOnlySpan<float> window = Push(sample);
            _oddPending = !_oddPending;
            if (!_oddPending)
            {
                output[o++] = Saturate(VectorMath.Dot(window, _taps));
            }
        }
    }

    /// <summary>Adds a sample to the doubled delay line and returns the last <see cref="_window"/> samples, oldest first.</summary>
    private ReadOnlySpan<float> Push(short sample)
    {
        _line[_position] = sample;
        _line[_position + _window] = sample;
        _position = _position + 1 == _window ? 0 : _position + 1;
        return new ReadOnlySpan<float>(_line, _position, _window);
    }

    private static short Saturate(float value)
    {
        float rounded = MathF.Round(value);
        return rounded >= short.MaxValue ? short.MaxValue : rounded <= short.MinValue ? short.MinValue : (short)rounded;
    }

    // Odd output y[2n+1] = 2·Σk g[k]·(x[n−K+1+k] + x[n−K−k]) over a window of the last 2K inputs; the even
    // output is the input itself delayed by K (centre tap ½ times the up-sampling gain 2).
    private static float[] BuildUpTaps()
    {
        var taps = new float[UpWindow];
        int k = HalfBandKernel.SideTapCount;
        for (int i = 0; i < k; i++)
        {
            float g = 2f * HalfBandKernel.SideTaps[i];
            taps[k + i] = g;
            taps[k - 1 - i] = g;
        }

        return taps;
    }

    // The full 63-tap kernel, centre at window index 32, with one zero tap in front to make 64.
    private static float[] BuildDownTaps()
    {
        var taps = new float[DownWindow];
        int centre = HalfBandKernel.HalfLength + 1;
        taps[centre] = 0.5f;
        for (int i = 0; i < HalfBandKernel.SideTapCount; i++)
        {
            int offset = (2 * i) + 1;
            taps[centre - offset] = HalfBandKernel.SideTaps[i];
            taps[centre + offset] = HalfBandKernel.SideTaps[i];
        }

        return taps;
    }

    private static bool IsSupported(int rate) => rate is 8000 or 16000;

    private enum Mode
    {
        Copy,
        Up,
        Down,
    }
}
