using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoiceAgent.Conversation;

namespace VoiceAgent.Telephony.Outbound;

/// <summary>
/// Runs our machine detector on outbound calls' audio. The socket's read loop feeds frames synchronously (a detector
/// per call, no I/O); what it hears goes through a channel to this service, which acts on it (records, voicemail), so
/// a slow database never holds up a call's audio.
/// </summary>
internal sealed class OutboundAudioWatch(OutboundSettings options, OutboundCalls calls, ILogger<OutboundAudioWatch> logger) : BackgroundService
{
    private readonly Channel<(string Id, string CallSid, MachineSignal Signal)> _signals =
        Channel.CreateBounded<(string, string, MachineSignal)>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>A listener for an outbound call's audio; null for any other call.</summary>
    public Listener? Listen(CallInfo call)
        => call.Parameters.GetValueOrDefault(OutboundParameters.OutboundId) is { Length: > 0 } id ? new Listener(this, id, call.CallSid, new MachineDetector(options.GreetingMachineMs)) : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (id, callSid, signal) in _signals.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await calls.OnOwnSignalAsync(id, callSid, signal, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                OutboundLog.RestFailed(logger, callSid, ex.GetType().Name); // one call's failure never stops the watch
            }
        }
    }

    /// <summary>One call's detector.</summary>
    internal sealed class Listener(OutboundAudioWatch watch, string id, string callSid, MachineDetector detector)
    {
        public void OnAudio(ReadOnlySpan<byte> mulaw)
        {
            if (detector.Done) return;
            if (detector.OnAudio(mulaw) is { } signal) watch._signals.Writer.TryWrite((id, callSid, signal));
        }
    }
}
