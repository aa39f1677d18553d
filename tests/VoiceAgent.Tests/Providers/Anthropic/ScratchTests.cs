using System.Diagnostics;
using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Tests.TestSupport;
using Xunit.Abstractions;

namespace VoiceAgent.Tests.Providers.Anthropic;

public sealed class ScratchTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Explore()
    {
        await using var h = await AnthropicHarness.StartAsync();
        foreach (var fault in new[] { ChatFault.RateLimited(), ChatFault.Http(529), ChatFault.ServerError(), ChatFault.StreamError(2), ChatFault.Drop(2) })
        {
            h.Emulator.EnqueueFault(fault);
            try { await h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]).CollectAsync().DefaultTimeout(); output.WriteLine("no exception"); }
            catch (Exception ex) { output.WriteLine($"{fault.Kind} {fault.StatusCode}: {ex.GetType().FullName}: {ex.Message.Split('\n')[0]} inner={ex.InnerException?.GetType().FullName}"); }
        }
        h.Emulator.EnqueueFault(ChatFault.Stall(2));
        using var cts = new CancellationTokenSource();
        await using var e = h.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        output.WriteLine(await e.NextTextAsync().DefaultTimeout());
        var sw = Stopwatch.StartNew();
        await cts.CancelAsync();
        try { await e.NextTextAsync().DefaultTimeout(); } catch (Exception ex) { output.WriteLine($"after cancel: {ex.GetType().FullName}"); }
        await h.Emulator.Requests.WhenAborted(5).DefaultTimeout();
        output.WriteLine($"aborted seen after {sw.ElapsedMilliseconds} ms");
        output.WriteLine(h.Emulator.Requests.Requests[0].RawJson);
    }
}
