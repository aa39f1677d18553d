using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;
using VoiceAgent.Hosting.Drain;
using VoiceAgent.Telephony.ConversationRelay;
using VoiceAgent.Telephony.WebSockets;

namespace VoiceAgent.Hosting.Warmup;

/// <summary>
/// One whole ConversationRelay call through the real connection handler, before the server listens: the socket
/// accept, the receive loop, frame parsing, the call's mailbox and engine, the turn runner, the calls' model client
/// (first-token race, lanes, SDK), frame encoding and the carrier writer's first send all run once, so the first
/// caller pays for none of it. The socket is an in-memory pair; the model is answered in process by the lanes'
/// canned replies (the caller of this class opens that scope). The call's shared parts are the private ones of a
/// <see cref="WarmupCallSetUp"/> (loggers that write nothing, a throwaway session store and writer, a private live view,
/// spans and meters under names of their own) and it has no records sink and no compliance controls, so it is stored
/// nowhere, billed nowhere, logged and counted as no call.
/// </summary>
internal sealed class RelayWarmupCall(CallSessionDependencies calls, CarrierLimits limits, TimeSpan keepAliveInterval, WarmupCallSetUp setUp)
{
    private const int MaxFramesRead = 256;
    internal const string CallSid = "CAwarmup000000000000000000000000000";

    private static readonly byte[] Setup = Encoding.UTF8.GetBytes(
        $$$"""{"type":"setup","sessionId":"VXwarmup000000000000000000000000000","callSid":"{{{CallSid}}}","accountSid":"ACwarmup000000000000000000000000000","from":"+15550000000","to":"+15550000001","direction":"inbound","callType":"PSTN","callStatus":"RINGING","customParameters":{}}""");
    private static readonly byte[] Prompt = Encoding.UTF8.GetBytes("""{"type":"prompt","voicePrompt":"Hello, is this warm?","lang":"en-US","last":true}""");

    /// <summary>Places the call and returns the reply the caller end received (its text frames, concatenated).</summary>
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var handler = new RelayConnectionHandler(new CallSessionFactory(setUp.Isolate(calls)), setUp.Metrics, setUp.Loggers.CreateLogger<RelayConnectionHandler>(),
            isAccountAllowed: _ => true, new LiveCalls(), limits, setUp.OutputMetrics);

        // A carrier's socket is served under the web server's request activity; so is this one (not recorded).
        using var ambient = WarmupCallSetUp.StartAmbientActivity();
        using var sockets = new InMemoryWebSocketPair(keepAliveInterval);
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpWebSocketFeature>(new InMemoryWebSocketFeature(sockets.Server));
        context.Features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature { RequestAborted = aborted.Token });

        var serving = handler.HandleAsync(context);
        try
        {
            var caller = sockets.Caller;
            await caller.SendAsync(Setup, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            await caller.SendAsync(Prompt, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            var reply = await ReadReplyAsync(caller, cancellationToken);
            // The carrier hangs up: the handler reads the close, the engine ends the call, the handler closes back.
            await caller.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "warm-up done", cancellationToken);
            await DrainUntilClosedAsync(caller, cancellationToken);
            await serving.WaitAsync(cancellationToken);
            return reply;
        }
        finally
        {
            // On any failure the socket is torn down and the handler's own edge ends the call.
            await aborted.CancelAsync();
            sockets.Caller.Abort();
            await serving.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>The reply's text frames up to the one marked last.</summary>
    private static async Task<string> ReadReplyAsync(WebSocket caller, CancellationToken cancellationToken)
    {
        using var reader = new WebSocketMessageReader(caller, 64 * 1024);
        var text = new StringBuilder();
        for (var frames = 0; frames < MaxFramesRead; frames++)
        {
            var message = await reader.ReadAsync(cancellationToken);
            if (message.IsClose) throw new InvalidOperationException("the server closed the warm-up call before its reply ended");
            if (message.Type != WebSocketMessageType.Text) continue;
            using var frame = JsonDocument.Parse(message.Payload);
            var root = frame.RootElement;
            if (root.GetProperty("type").GetString() != "text") continue;
            text.Append(root.GetProperty("token").GetString());
            if (root.TryGetProperty("last", out var last) && last.GetBoolean()) return text.ToString();
        }
        throw new InvalidOperationException($"no last text frame within {MaxFramesRead} frames");
    }

    private static async Task DrainUntilClosedAsync(WebSocket caller, CancellationToken cancellationToken)
    {
        using var reader = new WebSocketMessageReader(caller, 64 * 1024);
        for (var frames = 0; frames < MaxFramesRead; frames++)
            if ((await reader.ReadAsync(cancellationToken)).IsClose) return;
    }
}
