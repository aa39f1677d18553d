using System.Buffers;
using System.Text.Json;
using VoiceAgent.Conversation;

namespace VoiceAgent.Telephony.ConversationRelay;

/// <summary>
/// Encodes engine commands as ConversationRelay outbound frames (text, play, sendDigits, language, end)
/// straight into a reused buffer: no intermediate objects on the token hot path.
/// </summary>
internal sealed class RelayFrameWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _json;

    public RelayFrameWriter() => _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });

    /// <summary>Encodes <paramref name="command"/>; the result is valid until the next call.</summary>
    public ReadOnlyMemory<byte> Encode(TransportCommand command)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
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
        _json.Flush();
        return _buffer.WrittenMemory;
    }

    public void Dispose() => _json.Dispose();
}
