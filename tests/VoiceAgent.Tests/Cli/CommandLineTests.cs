using VoiceAgent.Cli.CommandLine;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Cli;

/// <summary>The <c>voiceagent</c> command tree: help, typed options, and usage errors that name the problem and run nothing.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task Help_lists_every_command()
    {
        var (code, output, _) = await RunAsync("--help");

        Assert.Equal(0, code);
        foreach (var command in new[] { "call", "bench", "analyze", "rekey" })
            Assert.Matches($@"(?m)^\s+{command}\s+\S", output);
    }

    [Fact]
    public async Task No_command_prints_the_help()
    {
        var (code, output, _) = await RunAsync();

        Assert.Equal(0, code);
        Assert.Contains("bench", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("call", "--url")]
    [InlineData("bench", "--scenario")]
    [InlineData("analyze", "--since")]
    [InlineData("rekey", "--data-dir")]
    public async Task A_commands_help_describes_its_options(string command, string option)
    {
        var (code, output, _) = await RunAsync(command, "--help");

        Assert.Equal(0, code);
        Assert.Contains(option, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_numeric_turn_count_is_a_clear_error_with_exit_code_2()
    {
        var (code, output, error) = await RunAsync("bench", "--turns", "x");

        Assert.Equal(VoiceAgentCli.UsageError, code);
        Assert.Empty(output);
        Assert.Contains("--turns 'x' is not a whole number of at least 1", error, StringComparison.Ordinal);
        Assert.Contains("bench --help", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--turns", "0")]
    [InlineData("--calls", "1,x")]
    [InlineData("--scenario", "speedy")]
    public async Task A_bad_bench_value_names_its_option(string option, string value)
    {
        var (code, output, error) = await RunAsync("bench", "--scenario", option == "--scenario" ? value : "media", option, value);

        Assert.Equal(VoiceAgentCli.UsageError, code);
        Assert.Empty(output);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelled_option_is_refused()
    {
        var (code, output, error) = await RunAsync("bench", "--turn", "5");

        Assert.Equal(VoiceAgentCli.UsageError, code);
        Assert.Empty(output);
        Assert.Contains("Unrecognized command or argument '--turn'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_option_the_chosen_scenario_does_not_use_is_refused()
    {
        var (code, _, error) = await RunAsync("bench", "--scenario", "micro", "--turns", "5");

        Assert.Equal(VoiceAgentCli.UsageError, code);
        Assert.Contains("--turns does not apply to --scenario micro", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_is_refused()
    {
        var (code, output, error) = await RunAsync("bnech");

        Assert.Equal(VoiceAgentCli.UsageError, code);
        Assert.Empty(output);
        Assert.Contains("'bnech'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_softphone_url_that_is_not_http_is_refused()
    {
        var (code, _, error) = await RunAsync("call", "--url", "ftp://example.org");

        Assert.Equal(VoiceAgentCli.UsageError, code);
        Assert.Contains("--url 'ftp://example.org' is not an absolute http:// or https:// URL", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var input = new StringReader("");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await VoiceAgentCli.InvokeAsync(args, new CliConsole(input, output, error, Interactive: false), CancellationToken.None).DefaultTimeout();
        return (code, output.ToString(), error.ToString());
    }
}
