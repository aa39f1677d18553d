using VoiceAgent.Cli.Bench.Outside;

namespace VoiceAgent.Tests.Cli.Bench;

/// <summary>
/// The outside bench warms its own code (stand-in, callers) with one unreported call before the first measured level, so
/// the first server's first-turn figure is the server's, not this process's first JIT: against a server it starts
/// itself (a throwaway start; every level starts a fresh one), never against a running one it would warm instead.
/// </summary>
public sealed class OutsideBenchWarmUpTests
{
    private static (ServerSpec, string, string) Launched(string name) => (new ServerSpec(name, PublishedDir: "/srv/" + name), "/srv/" + name, name);
    private static (ServerSpec, string, string) Running(string name) => (new ServerSpec(name, Url: new Uri("http://127.0.0.1:9/")), "", name);

    [Fact]
    public void The_bench_warms_itself_against_the_first_server_it_measures()
    {
        var target = OutsideBench.WarmUpTarget([Launched("baseline"), Launched("candidate")]);

        Assert.Equal("baseline", target?.Spec.Name);
    }

    [Fact]
    public void A_running_server_is_never_the_warm_up_target_but_a_launched_one_after_it_is()
    {
        var target = OutsideBench.WarmUpTarget([Running("baseline"), Launched("candidate")]);

        Assert.Equal("candidate", target?.Spec.Name);
    }

    [Fact]
    public void With_only_running_servers_the_bench_places_no_warm_up_call()
    {
        Assert.Null(OutsideBench.WarmUpTarget([Running("baseline"), Running("candidate")]));
    }
}
