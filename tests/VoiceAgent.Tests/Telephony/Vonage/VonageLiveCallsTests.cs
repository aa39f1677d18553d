using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Emulators.Vonage;
using VoiceAgent.Hosting.Drain;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Telephony.Vonage;

/// <summary>
/// A Vonage leg is one of the server's live calls for the life of its socket, like the Twilio transports' calls: the
/// memory reclaimer and the drain read that count, so calls missing from it are a wave whose memory is never given back
/// (issue 6 item 1: after a wave of stuck Vonage callers the server kept its memory and logged no reclaim). Real sockets;
/// the waits are generous hang guards, not speed limits.
/// </summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)] // real-time audio: keep the cores free for the 20 ms clocks
public sealed class VonageLiveCallsTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_vonage_call_counts_as_live_while_its_socket_is_open_and_not_after_it_hung_up()
    {
        await using var server = await AudioServer.StartAsync();
        var live = server.App.Services.GetRequiredService<LiveCalls>();
        using var http = new HttpClient();
        var answer = await server.VonageWebhooks(http).AnswerAsync("aaaaaaaa-bbbb-cccc-dddd-0000000000c1", from: "447700900123", to: "447700900000", CancellationToken.None).DefaultTimeout();
        Assert.Equal(0, live.Count);

        await using (var caller = await VonageCaller.ConnectAsync(new Uri($"ws://{server.Address.Authority}/ws/vonage"), answer.ToCallerOptions(), CancellationToken.None).DefaultTimeout())
        {
            await WaitForLiveCallsAsync(live, 1);
            await caller.HangUpAsync().DefaultTimeout();
        }

        await WaitForLiveCallsAsync(live, 0);
    }

    private static async Task WaitForLiveCallsAsync(LiveCalls calls, int expected)
    {
        var deadline = DateTime.UtcNow + HangGuard;
        while (calls.Count != expected)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{calls.Count} calls live, expected {expected}");
            await Task.Delay(20);
        }
    }
}
