using System.Diagnostics;
using System.Xml.Linq;
using VoiceAgent.Emulators.Twilio;

namespace VoiceAgent.Cli.Bench.Outside;

/// <summary>
/// One ConversationRelay call as Twilio places it: the signed webhook for TwiML, the signed WebSocket upgrade to
/// the URL in that TwiML, <c>setup</c>, then prompts a turn at a time, each read to its <c>last:true</c> frame.
/// </summary>
internal sealed class RelayLoadCall(Uri server, OutsideBenchOptions options, HttpClient http, TurnTimeline timeline, LoadProgress progress)
{
    private const string TwimlPath = "/twiml/relay";
    private static readonly TimeSpan TurnLimit = TimeSpan.FromSeconds(30);

    /// <summary>Runs the call; returns its traces (failed turns carry their reason, nothing is thrown for a failed call).</summary>
    public async Task<IReadOnlyList<TurnTrace>> RunAsync(string callId, CancellationToken cancellationToken)
    {
        var traces = new List<TurnTrace>(options.TurnsPerCall);
        ConversationRelayCaller? caller = null;
        try
        {
            caller = await ConnectAsync(callId, cancellationToken);
            for (var turn = 0; turn < options.TurnsPerCall; turn++)
            {
                if (turn > 0) await Task.Delay(options.TurnGap, cancellationToken);
                var trace = timeline.Begin(callId, turn);
                traces.Add(trace);
                await TurnAsync(caller, trace, TurnTimeline.Prompt(callId, turn), cancellationToken);
                progress.TurnDone(trace.Completed);
                if (trace.Completed) continue;
                // Frames of the failed reply may still arrive and would be taken for the next one's.
                Abandon(callId, traces, "call abandoned after a failed turn");
                break;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Net.WebSockets.WebSocketException or IOException
            or InvalidOperationException or TimeoutException or System.Xml.XmlException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var reason = $"{ex.GetType().Name}: {ex.Message}";
            if (traces.Count > 0 && !traces[^1].Completed)
            {
                traces[^1].Failure ??= reason;
                progress.TurnDone(false);
            }
            Abandon(callId, traces, "call failed before this turn: " + reason);
        }
        finally
        {
            if (caller is not null) await caller.DisposeAsync();
        }
        return traces;
    }

    private void Abandon(string callId, List<TurnTrace> traces, string reason)
    {
        while (traces.Count < options.TurnsPerCall)
        {
            var lost = timeline.Begin(callId, traces.Count);
            lost.Failure = reason;
            traces.Add(lost);
            progress.TurnDone(false);
        }
    }

    private async Task<ConversationRelayCaller> ConnectAsync(string callId, CancellationToken cancellationToken)
    {
        var signer = new TwilioRequestSigner(options.AuthToken);
        var callSid = "CA" + Guid.NewGuid().ToString("N");
        KeyValuePair<string, string>[] form =
        [
            new("AccountSid", options.AccountSid), new("CallSid", callSid), new("CallStatus", "ringing"), new("Direction", "inbound"),
            new("From", "+1555" + (Math.Abs(callId.GetHashCode(StringComparison.Ordinal)) % 10_000_000).ToString("D7", System.Globalization.CultureInfo.InvariantCulture)),
            new("To", "+15555550199"),
        ];
        using var request = signer.CreateFormPost(new Uri(server, TwimlPath), options.PublicBaseUrl + TwimlPath, form);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"The TwiML webhook answered {(int)response.StatusCode}.");
        var socketUrl = RelayUrl(await response.Content.ReadAsStringAsync(cancellationToken));
        var connectUrl = new UriBuilder(socketUrl) { Scheme = "ws", Host = server.Host, Port = server.Port }.Uri;
        var caller = await ConversationRelayCaller.ConnectAsync(connectUrl, socketUrl, options.AuthToken, cancellationToken);
        await caller.SendSetupAsync(callSid, options.AccountSid, cancellationToken: cancellationToken);
        return caller;
    }

    /// <summary>The <c>url</c> of the TwiML's <c>&lt;ConversationRelay&gt;</c>.</summary>
    internal static string RelayUrl(string twiml)
    {
        var relay = XDocument.Parse(twiml).Descendants().FirstOrDefault(e => e.Name.LocalName == "ConversationRelay")
            ?? throw new InvalidOperationException("The TwiML has no <ConversationRelay>.");
        return relay.Attribute("url")?.Value ?? throw new InvalidOperationException("<ConversationRelay> has no url.");
    }

    /// <summary>The <c>reasonCode</c> and <c>reason</c> of an <c>end</c> frame's hand-off data (not the rest: it may quote the caller).</summary>
    internal static string EndReason(string? handoffData)
    {
        if (string.IsNullOrEmpty(handoffData)) return "no hand-off data";
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(handoffData);
            var root = document.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object) return "hand-off data is not an object";
            var code = root.TryGetProperty("reasonCode", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.String ? c.GetString() : null;
            var reason = root.TryGetProperty("reason", out var r) && r.ValueKind == System.Text.Json.JsonValueKind.String ? r.GetString() : null;
            return $"{code ?? "no reasonCode"} ({reason ?? "no reason"})";
        }
        catch (System.Text.Json.JsonException)
        {
            return "hand-off data is not JSON";
        }
    }

    private static async Task TurnAsync(ConversationRelayCaller caller, TurnTrace trace, string prompt, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TurnLimit);
        trace.PromptSentAt = Stopwatch.GetTimestamp();
        try
        {
            await caller.SendPromptAsync(prompt, cancellationToken: limit.Token);
            for (var i = 0; i < 10_000; i++)
            {
                var frame = await caller.ReadFrameAsync(limit.Token);
                if (frame.Type == "end")
                {
                    // Twilio ends the session on `end` (a hand-off): nothing more is said on this call.
                    trace.Failure = "the server ended the call: " + EndReason(frame.HandoffData);
                    return;
                }
                if (frame.Type != "text") continue;
                trace.FrameReceived(frame.Token ?? string.Empty, frame.ReceivedAt);
                if (!frame.Last) continue;
                trace.Completed = true;
                return;
            }
            trace.Failure = "no last:true frame within 10000 frames";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            trace.Failure = $"no complete reply within {TurnLimit.TotalSeconds:F0} s";
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            trace.Failure = "the server closed the call mid-turn";
        }
        catch (System.Net.WebSockets.WebSocketException ex)
        {
            trace.Failure = "socket failed mid-turn: " + ex.Message;
        }
    }
}
