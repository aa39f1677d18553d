using VoiceAgent.Cli.CommandLine;

namespace VoiceAgent.Tests.Cli;

/// <summary>Progress of long CLI runs on standard error: a redrawn line on a terminal, a line per tenth in a log.</summary>
public sealed class ProgressLineTests
{
    [Fact]
    public void In_a_log_it_prints_one_line_per_tenth_of_the_run()
    {
        using var error = new StringWriter();
        var progress = new ProgressLine(new CliConsole(TextReader.Null, TextWriter.Null, error, Interactive: false), "bench relay", 300);

        for (var i = 1; i <= 300; i++) progress.Report(i);
        progress.Complete();

        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, lines.Length);
        Assert.Equal("bench relay: 30/300 (10%)", lines[0].TrimEnd('\r'));
        Assert.Equal("bench relay: 300/300 (100%)", lines[^1].TrimEnd('\r'));
    }

    [Fact]
    public void On_a_terminal_it_redraws_one_line_only_when_the_percentage_changes_and_clears_it_at_the_end()
    {
        using var error = new StringWriter();
        var progress = new ProgressLine(new CliConsole(TextReader.Null, TextWriter.Null, error, Interactive: true), "bench", 1000);

        for (var i = 1; i <= 1000; i++) progress.Report(i);
        progress.Complete();

        var text = error.ToString();
        Assert.DoesNotContain('\n', text);
        Assert.Equal(101 + 2, text.Count(c => c == '\r')); // a redraw per percentage 0..100, then the clearing "\r   \r"
        Assert.Contains("1000/1000 100%", text, StringComparison.Ordinal);
        Assert.EndsWith("\r", text, StringComparison.Ordinal);
    }
}
