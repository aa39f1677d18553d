using System.Buffers;
using System.Buffers.Text;
using System.Net.WebSockets;
using System.Text.Json;
using VoiceAgent.Speech.Pipeline;
using VoiceAgent.Telephony.Twilio.Rest;
using VoiceAgent.Telephony.WebSockets;
using System.Runtime.CompilerServices;

namespace VoiceAgent.Telephony.MediaStreams;

/// <summary>
/// Writes Media Streams outbound frames (<c>media</c>, <c>mark</c>, <c>clear</c>) to Twilio's socket. <c>media</c> is
/// encoded into a pooled buffer the socket's writer takes over; <c>mark</c> and <c>clear</c> into one reused buffer.
/// Sends are serialised (the playout loop and barge-in both send) and queued on the socket's one bounded writer;
/// <c>clear</c> also drops media still queued on our side.
/// </summary>
internal sealed class MediaStreamsAudioTransport(CarrierSocketWriter writer, string streamSid, string callSid, CallHandoff handoff, string? dialledNumber = null) : IAudioTransport, IDisposable
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _buffer = new(512);

    public AudioFormat Format => AudioFormat.MuLaw8k;

    /// <summary>Everything of a <c>media</c> message before the payload's base64, encoded once per call.</summary>
    private readonly byte[] _mediaPrefix = MediaPrefix(streamSid);

    private static byte[] MediaPrefix(string streamSid)
        => [.. "{\"event\":\"media\",\"streamSid\":\""u8, .. JsonEncodedText.Encode(streamSid).EncodedUtf8Bytes, .. "\",\"media\":{\"payload\":\""u8];

    private static ReadOnlySpan<byte> MediaSuffix => "\"}}"u8;

    /// <summary>
    /// A <c>media</c> message, 50 a second: the precomputed prefix, the payload's base64 and the closing bytes, written
    /// straight into a pooled buffer that the socket's writer then owns (no JSON writer, no copy).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))] // 50 a second per call, always completes later (it waits for the socket)
    public async ValueTask SendAudioAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            var buffer = ArrayPool<byte>.Shared.Rent(_mediaPrefix.Length + Base64.GetMaxEncodedToUtf8Length(frame.Length) + MediaSuffix.Length);
            _mediaPrefix.CopyTo(buffer, 0);
            Base64.EncodeToUtf8(frame.Span, buffer.AsSpan(_mediaPrefix.Length), out _, out var written);
            var length = _mediaPrefix.Length + written;
            MediaSuffix.CopyTo(buffer.AsSpan(length));
            length += MediaSuffix.Length;
            await writer.SendRentedAsync(buffer, length, WebSocketMessageType.Text, cancellationToken, droppable: true, waitUntilWritten: true);
        }
        finally { _sendLock.Release(); }
    }

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

    private async ValueTask SendAsync(Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
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
            await writer.SendAsync(_buffer.WrittenMemory, WebSocketMessageType.Text, cancellationToken, waitUntilWritten: true);
        }
        finally { _sendLock.Release(); }
    }

    public void Dispose() => _sendLock.Dispose();
}
