using System.Buffers;
using System.Buffers.Text;
using System.Net.WebSockets;
using System.Text.Json;
using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Telephony.Twilio.Rest;
using VoiceAgent.Telephony.WebSockets;

namespace VoiceAgent.Telephony.MediaStreams;

/// <summary>
/// Writes Media Streams outbound frames (<c>media</c>, <c>mark</c>, <c>clear</c>) to Twilio's socket. Frames are
/// encoded into one reused buffer (encoding is serialised because the playout loop and barge-in both send) and
/// queued on the socket's one bounded writer; <c>clear</c> also drops media still queued on our side.
/// </summary>
internal sealed class MediaStreamsAudioTransport(CarrierSocketWriter writer, string streamSid, string callSid, CallHandoff handoff, string? dialledNumber = null) : IAudioTransport, IDisposable
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly byte[] _base64 = new byte[Base64.GetMaxEncodedToUtf8Length(1024)];

    public AudioFormat Format => AudioFormat.MuLaw8k;

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
        => SendAsync(w =>
        {
            w.WriteString("event"u8, "media"u8);
            w.WriteString("streamSid"u8, streamSid);
            w.WriteStartObject("media"u8);
            Base64.EncodeToUtf8(frame.Span, _base64, out _, out var written);
            w.WriteString("payload"u8, _base64.AsSpan(0, written));
            w.WriteEndObject();
        }, cancellationToken, droppable: true);

    public ValueTask SendMarkAsync(string name, CancellationToken cancellationToken)
        => SendAsync(w =>
        {
            w.WriteString("event"u8, "mark"u8);
            w.WriteString("streamSid"u8, streamSid);
            w.WriteStartObject("mark"u8);
            w.WriteString("name"u8, name);
            w.WriteEndObject();
        }, cancellationToken);

    public ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        writer.DropQueuedAudio();
        return SendAsync(w =>
        {
            w.WriteString("event"u8, "clear"u8);
            w.WriteString("streamSid"u8, streamSid);
        }, cancellationToken);
    }

    /// <summary>
    /// A hand-off to a person moves the live call into the warm transfer over REST (Twilio then ends the stream itself); otherwise closing
    /// the socket ends <c>&lt;Connect&gt;&lt;Stream&gt;</c> and Twilio runs the next TwiML or the action URL.
    /// </summary>
    public async ValueTask HangUpAsync(string? handoffData, CancellationToken cancellationToken)
    {
        if (await handoff.TryTransferAsync(callSid, dialledNumber, handoffData, cancellationToken)) return;
        await writer.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "agent ended the call", cancellationToken);
    }

    private async ValueTask SendAsync(Action<Utf8JsonWriter> write, CancellationToken cancellationToken, bool droppable = false)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            _buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true }))
            {
                writer.WriteStartObject();
                write(writer);
                writer.WriteEndObject();
            }
            await writer.SendAsync(_buffer.WrittenMemory, WebSocketMessageType.Text, cancellationToken, droppable, waitUntilWritten: true);
        }
        finally { _sendLock.Release(); }
    }

    public void Dispose() => _sendLock.Dispose();
}
