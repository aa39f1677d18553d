using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Hosting;

/// <summary>No cold first turn: before the server takes calls, the calls' own model client has streamed a reply.</summary>
public sealed class FirstTurnWarmupTests
{
    [Fact]
    public async Task Before_the_server_takes_calls_a_canned_reply_has_streamed_through_the_calls_model_client_and_no_model_request_was_sent()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?>
        {
            ["WELCOME_GREETING"] = "",
            ["Logging:LogLevel:VoiceAgent.Hosting.Warmup.FirstTurnWarmup"] = "Information",
        }, services: s => s.AddSingleton<ILoggerProvider>(logs));

        // StartAsync has returned: the warm-up ran before the server listened.
        Assert.Contains(logs.Lines, line => line.Contains($"[{VoiceAgent.Observability.EventIds.FirstTurnWarmed}]", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains($"[{VoiceAgent.Observability.EventIds.FirstTurnWarmFailed}]", StringComparison.Ordinal));
        Assert.Equal(0, server.Model.Requests.Count); // answered in process: nothing billed
    }
}
