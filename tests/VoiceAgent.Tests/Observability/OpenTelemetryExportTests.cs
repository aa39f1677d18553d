using System.Net;
using System.Net.Http.Headers;
using OpenTelemetry.Proto.Trace.V1;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Emulators.Twilio.MediaStreams;
using VoiceAgent.Tests.TestSupport;
using VoiceAgent.Tests.TestSupport.Audio;
using VoiceAgent.Tests.TestSupport.Otlp;

namespace VoiceAgent.Tests.Observability;

/// <summary>
/// The server's OpenTelemetry export, read back from a real OTLP/HTTP protobuf receiver (<see cref="OtlpReceiver"/>)
/// and from its Prometheus scrape endpoint, after real calls over the emulators.
/// </summary>
[Collection(VoiceAgent.Tests.EmulatorsTests.RealTimeCollection.Name)]
public sealed class OpenTelemetryExportTests
{
    private const string CallerNumber = "+15557654321";
    private const string CallerDigits = "5557654321";
    private const string MetricsToken = "metrics-token-0123456789abcdef";

    private static Dictionary<string, string?> OtlpSettings(OtlpReceiver receiver) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_SERVICE_NAME"] = "voice-agent-under-test",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
    };

    private static Span CallSpan(OtlpReceiver receiver, string callSid) => receiver.Spans
        .Select(s => s.Span).Single(s => s.Name == "voiceagent.call" && OtlpReceiver.Attribute(s, "voiceagent.call.id")?.StringValue == callSid);

    private static bool HasCallSpan(OtlpReceiver receiver, string callSid)
        => receiver.Spans.Any(s => s.Span.Name == "voiceagent.call" && OtlpReceiver.Attribute(s.Span, "voiceagent.call.id")?.StringValue == callSid);

    private static List<Span> ChildrenOf(OtlpReceiver receiver, Span parent)
        => receiver.Spans.Select(s => s.Span).Where(s => s.ParentSpanId == parent.SpanId).ToList();

    [Fact]
    public async Task A_relay_call_arrives_at_an_otlp_receiver_as_a_call_span_with_a_child_per_turn_and_children_per_hop()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        string callSid;
        await using (var server = await RelayServer.StartAsync(OtlpSettings(receiver)))
        {
            await using var call = await server.DialAsync(from: CallerNumber);
            callSid = call.CallSid;
            await call.Caller.AskAsync("When are you open?");
            await call.Caller.AskAsync("And on Sundays?");
            await call.HangUpAsync();
            await receiver.WaitUntilAsync(r => HasCallSpan(r, callSid), "the call span");
        }

        var callSpan = CallSpan(receiver, callSid);
        Assert.Equal(callSid, OtlpReceiver.Attribute(callSpan, "voiceagent.call.id")!.StringValue);
        Assert.Equal("conversation-relay", OtlpReceiver.Attribute(callSpan, "voiceagent.transport")!.StringValue);
        var turns = ChildrenOf(receiver, callSpan).Where(s => s.Name == "voiceagent.turn").OrderBy(s => OtlpReceiver.Attribute(s, "voiceagent.turn.id")!.IntValue).ToList();
        Assert.Equal([1, 2], turns.Select(t => OtlpReceiver.Attribute(t, "voiceagent.turn.id")!.IntValue));
        Assert.All(turns, t => Assert.Equal(callSpan.TraceId, t.TraceId));
        Assert.All(turns, t => Assert.Equal("Completed", OtlpReceiver.Attribute(t, "voiceagent.turn.outcome")!.StringValue));
        var hops = ChildrenOf(receiver, turns[0]);
        Assert.Superset(new HashSet<string> { "voiceagent.hop.model_request", "voiceagent.hop.model_first_delta", "voiceagent.hop.first_frame", "voiceagent.hop.last_frame" },
            hops.Select(h => h.Name).ToHashSet());
        Assert.All(hops, h => Assert.Equal(1, OtlpReceiver.Attribute(h, "voiceagent.turn.id")!.IntValue));
        Assert.All(hops, h => Assert.Equal(callSid, OtlpReceiver.Attribute(h, "voiceagent.call.id")!.StringValue));
        Assert.All(hops, h => Assert.True(h.StartTimeUnixNano >= turns[0].StartTimeUnixNano && h.EndTimeUnixNano <= turns[0].EndTimeUnixNano, $"{h.Name} lies outside its turn"));
        // The standard ASP.NET Core instrumentation traced the incoming-call webhook (whose body carried the number).
        Assert.Contains(receiver.Spans, s => s.Span.Kind == Span.Types.SpanKind.Server && OtlpReceiver.AttributeStrings(s.Span.Attributes).Any(v => v.Contains("/twiml/relay", StringComparison.Ordinal)));
        Assert.Equal("voice-agent-under-test", receiver.Spans[0].Resource.Attributes.Single(a => a.Key == "service.name").Value.StringValue);
        Assert.Equal(0, receiver.Rejected);
    }

    [Fact]
    public async Task No_span_or_resource_attribute_carries_the_callers_phone_number()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using (var server = await RelayServer.StartAsync(OtlpSettings(receiver)))
        {
            await using var call = await server.DialAsync(from: CallerNumber);
            await call.Caller.AskAsync($"Call me back on {CallerNumber} please.");
            await call.HangUpAsync();
            await receiver.WaitUntilAsync(r => HasCallSpan(r, call.CallSid), "the call span");
        }

        Assert.NotEmpty(receiver.Spans);
        foreach (var (resource, span) in receiver.Spans)
        {
            Assert.DoesNotContain(OtlpReceiver.AttributeStrings(span.Attributes).Concat(OtlpReceiver.AttributeStrings(resource.Attributes)),
                value => value.Contains(CallerDigits, StringComparison.Ordinal));
            Assert.DoesNotContain(CallerDigits, span.Name, StringComparison.Ordinal);
            Assert.DoesNotContain(span.Events.SelectMany(e => OtlpReceiver.AttributeStrings(e.Attributes)), value => value.Contains(CallerDigits, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Metrics_reach_the_otlp_receiver_with_the_turn_histograms_the_new_counters_and_the_standard_instrumentation()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using (var server = await RelayServer.StartAsync(OtlpSettings(receiver)))
        {
            await using var call = await server.DialAsync(from: CallerNumber);
            await call.Caller.AskAsync("When are you open?");
            await call.HangUpAsync();
            await receiver.WaitUntilAsync(r => HasCallSpan(r, call.CallSid), "the call span");
        } // stopping the server flushes the last metric export

        var names = receiver.Metrics.Select(m => m.Name).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "voiceagent.turn.model_ttft", "voiceagent.turn.receive_to_first_token", "voiceagent.turns", "voiceagent.calls.active", "voiceagent.call.cost",
            "http.server.request.duration", // ASP.NET Core
            "http.client.request.duration", // HttpClient (the model provider)
        }, names);
        Assert.Contains(names, n => n.StartsWith("dotnet.", StringComparison.Ordinal)); // .NET runtime
        var ttft = receiver.Metrics.Last(m => m.Name == "voiceagent.turn.model_ttft");
        Assert.Equal("ms", ttft.Unit);
        Assert.True(ttft.Histogram.DataPoints.Sum(p => (long)p.Count) >= 1);
        var turns = receiver.Metrics.Last(m => m.Name == "voiceagent.turns");
        Assert.Contains(turns.Sum.DataPoints, p => p.Attributes.Any(a => a.Key == "outcome" && a.Value.StringValue == "Completed") && p.AsInt >= 1);
        var active = receiver.Metrics.Last(m => m.Name == "voiceagent.calls.active");
        Assert.False(active.Sum.IsMonotonic); // an up-down counter
        Assert.Equal(0, active.Sum.DataPoints.Sum(p => p.AsInt)); // the call started and ended
    }

    [Fact]
    public async Task A_media_streams_call_exports_audio_hops_and_caller_heard_latency()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var options = new MediaStreamsCallerOptions { CustomParameters = new Dictionary<string, string> { ["From"] = CallerNumber } };
        await using (var server = await AudioServer.StartAsync(OtlpSettings(receiver)))
        {
            server.Stt.EnqueueTranscript("What are your opening hours?");
            server.Model.Enqueue(ChatReply.Text("We are open ", "from nine to five."));
            await using (var caller = await server.CallAsync(options))
            {
                await caller.PlayAsync(await TestAudio.SpeechMuLaw8kAsync("What are your opening hours?")).DefaultTimeout();
                await caller.WaitForMarkAsync("g0r1end").DefaultTimeout(TimeSpan.FromSeconds(20)); // the whole reply played
                await caller.HangUpAsync().DefaultTimeout();
            }
            await receiver.WaitUntilAsync(r => HasCallSpan(r, options.CallSid), "the call span");
        }

        var turn = ChildrenOf(receiver, CallSpan(receiver, options.CallSid)).Single(s => s.Name == "voiceagent.turn" && OtlpReceiver.Attribute(s, "voiceagent.turn.id")!.IntValue == 1);
        var hops = ChildrenOf(receiver, turn).Select(h => h.Name).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "voiceagent.hop.stt_final", "voiceagent.hop.model_request", "voiceagent.hop.model_first_delta", "voiceagent.hop.first_frame",
            "voiceagent.hop.tts_first_audio", "voiceagent.hop.first_media_frame", "voiceagent.hop.playback_first_mark", "voiceagent.hop.playback_last_mark",
        }, hops);
        var sent = OtlpReceiver.Attribute(turn, "voiceagent.turn.speech_end_to_sent_ms")!.DoubleValue;
        var heard = OtlpReceiver.Attribute(turn, "voiceagent.turn.speech_end_to_heard_ms")!.DoubleValue;
        Assert.True(heard > sent, $"heard {heard} ms must come after sent {sent} ms");
        Assert.Contains(receiver.Metrics, m => m.Name == "voiceagent.turn.speech_end_to_heard" && m.Histogram.DataPoints.Sum(p => (long)p.Count) >= 1);
        Assert.Contains(receiver.Metrics, m => m.Name == "voiceagent.turn.sent_to_heard");
        foreach (var (resource, span) in receiver.Spans)
            Assert.DoesNotContain(OtlpReceiver.AttributeStrings(span.Attributes), value => value.Contains(CallerDigits, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_prometheus_endpoint_serves_the_histograms_to_a_scraper_with_the_metrics_token_only()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["PROMETHEUS_METRICS"] = "true", ["METRICS_TOKEN"] = MetricsToken });
        await using (var call = await server.DialAsync(from: CallerNumber))
        {
            await call.Caller.AskAsync("When are you open?");
            await call.HangUpAsync();
        }
        using var http = new HttpClient();

        using var anonymous = await http.GetAsync(new Uri(server.Address, "/metrics")).DefaultTimeout();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, "/metrics"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MetricsToken);
        using var scraped = await http.SendAsync(request).DefaultTimeout();
        var body = await scraped.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("# TYPE voiceagent_turn_model_ttft_milliseconds histogram", body, StringComparison.Ordinal);
        Assert.Contains("voiceagent_turn_model_ttft_milliseconds_bucket{", body, StringComparison.Ordinal);
        Assert.Contains("voiceagent_turn_receive_to_first_token_milliseconds_count{", body, StringComparison.Ordinal);
        Assert.Contains("voiceagent_turns_total{", body, StringComparison.Ordinal);
        Assert.DoesNotContain(CallerDigits, body, StringComparison.Ordinal);
    }
}
