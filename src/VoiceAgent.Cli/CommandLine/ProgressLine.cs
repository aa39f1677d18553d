using System.Globalization;

namespace VoiceAgent.Cli.CommandLine;

/// <summary>
/// Progress of a long run on standard error, so standard output stays the report: on a terminal one line redrawn in
/// place when the percentage changes, otherwise (a log, CI) one line per tenth of the run.
/// </summary>
internal sealed class ProgressLine
{
    private const int BarWidth = 30;
    private readonly CliConsole _console;
    private readonly string _label;
    private readonly int _total;
    private int _shownPercent = -1;

    public ProgressLine(CliConsole console, string label, int total)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(total);
        _console = console;
        _label = label;
        _total = total;
    }

    /// <summary>Shows <paramref name="done"/> of the total (clamped).</summary>
    public void Report(int done)
    {
        done = Math.Clamp(done, 0, _total);
        var percent = done * 100 / _total;
        if (_console.Interactive)
        {
            if (percent == _shownPercent) return;
            var filled = done * BarWidth / _total;
            _console.Error.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r{_label} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {done}/{_total} {percent,3}%"));
            _console.Error.Flush();
        }
        else
        {
            // One line per 10 %: readable in a CI log, never one line per turn.
            var step = percent / 10 * 10;
            if (step == 0 || step == _shownPercent) return;
            percent = step;
            _console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_label}: {done}/{_total} ({step}%)"));
        }
        _shownPercent = percent;
    }

    /// <summary>Ends the display: on a terminal clears the line so the report that follows starts clean.</summary>
    public void Complete()
    {
        if (_console.Interactive && _shownPercent >= 0)
        {
            _console.Error.Write("\r" + new string(' ', _label.Length + BarWidth + 24) + "\r");
            _console.Error.Flush();
        }
    }
}
