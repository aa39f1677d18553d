namespace VoiceAgent.Cli.CommandLine;

/// <summary>
/// The streams a command reads and writes: standard input (the softphone's keyboard, <c>analyze</c>'s log), the
/// report on standard output, errors and progress on standard error. <paramref name="Interactive"/> says standard
/// error is a terminal, so progress may redraw one line in place instead of printing a line per step.
/// </summary>
internal sealed record CliConsole(TextReader Input, TextWriter Output, TextWriter Error, bool Interactive)
{
    public static CliConsole System() => new(Console.In, Console.Out, Console.Error, !Console.IsErrorRedirected);
}
