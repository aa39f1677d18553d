using System.Buffers;
using System.Text.Json;
using VoiceAgent.Conversation;

namespace VoiceAgent.Telephony.ConversationRelay;

/// <summary>
/// Encodes engine commands as ConversationRelay outbound frames (text, play, sendDigits, language, end) straight into
/// an array rented for that frame, which is handed to the socket's writer as it is (no copy) and goes back to the pool
/// once written: a call holds no frame buffer of its own between frames, and no intermediate objects are made on the
/// token hot path. One encoder per call; not for concurrent use.
/// </summary>
internal sealed class RelayFrameWriter : IBufferWriter<byte>, IDisposable
{
    /// <summary>Room for a token frame; Utf8JsonWriter asks for more (and the array is swapped for a larger one) when a value needs it.</summary>
    private const int FrameBytes = 256;

    private readonly ArrayPool<byte> _pool;
    private readonly Utf8JsonWriter _json;
    private byte[] _buffer = [];
    private int _written;

    public RelayFrameWriter(ArrayPool<byte>? pool = null)
    {
        _pool = pool ?? ArrayPool<byte>.Shared;
        _json = new Utf8JsonWriter(this, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>
    /// Encodes <paramref name="command"/> into the first <c>Length</c> bytes of <c>Buffer</c>, rented from this writer's
    /// pool (<see cref="ArrayPool{T}.Shared"/> by default): the caller owns it from then on and returns it.
    /// </summary>
    public (byte[] Buffer, int Length) Encode(TransportCommand command)
    {
        _buffer = _pool.Rent(FrameBytes);
        _written = 0;
        _json.Reset();
        try
        {
            Write(command);
            _json.Flush();
        }
        catch
        {
            _pool.Return(Detach().Buffer);
            throw;
        }
        return Detach();
    }

    private void Write(TransportCommand command)
    {
        _json.WriteStartObject();
        switch (command)
        {
            case SpeakToken speak:
                _json.WriteString("type"u8, "text"u8);
                _json.WriteString("token"u8, speak.Token);
                _json.WriteBoolean("last"u8, speak.Last);
                break;
            case PlayAudio play:
                _json.WriteString("type"u8, "play"u8);
                _json.WriteString("source"u8, play.Source);
                _json.WriteNumber("loop"u8, play.Loop);
                break;
            case SendDigits digits:
                _json.WriteString("type"u8, "sendDigits"u8);
                _json.WriteString("digits"u8, digits.Digits);
                break;
            case SwitchLanguage language:
                _json.WriteString("type"u8, "language"u8);
                if (language.TtsLanguage is not null) _json.WriteString("ttsLanguage"u8, language.TtsLanguage);
                if (language.TranscriptionLanguage is not null) _json.WriteString("transcriptionLanguage"u8, language.TranscriptionLanguage);
                break;
            case EndCall end:
                _json.WriteString("type"u8, "end"u8);
                if (end.HandoffData is not null) _json.WriteString("handoffData"u8, end.HandoffData);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "ConversationRelay has no frame for this command.");
        }
        _json.WriteEndObject();
    }

    private (byte[] Buffer, int Length) Detach()
    {
        var frame = (_buffer, _written);
        _buffer = [];
        _written = 0;
        return frame;
    }

    void IBufferWriter<byte>.Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > _buffer.Length) throw new InvalidOperationException("Advanced past the end of the frame buffer.");
        _written += count;
    }

    Memory<byte> IBufferWriter<byte>.GetMemory(int sizeHint)
    {
        var from = Ensure(sizeHint); // may move to a larger array: read _buffer after it
        return _buffer.AsMemory(from);
    }

    Span<byte> IBufferWriter<byte>.GetSpan(int sizeHint)
    {
        var from = Ensure(sizeHint);
        return _buffer.AsSpan(from);
    }

    private int Ensure(int sizeHint)
    {
        if (_buffer.Length == 0) throw new InvalidOperationException("The frame writer is written to only while a frame is encoded.");
        sizeHint = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written < sizeHint)
        {
            var grown = _pool.Rent(Math.Max(_buffer.Length * 2, _written + sizeHint));
            _buffer.AsSpan(0, _written).CopyTo(grown);
            _pool.Return(_buffer);
            _buffer = grown;
        }
        return _written;
    }

    public void Dispose() => _json.Dispose();
}
