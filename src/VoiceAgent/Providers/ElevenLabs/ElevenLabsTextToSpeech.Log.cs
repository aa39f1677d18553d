using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace VoiceAgent.Providers.ElevenLabs;

internal sealed partial class ElevenLabsTextToSpeech
{
    /// <summary>ElevenLabs TTS log events (ids 4300–4319). Never logs the API key or the spoken text.</summary>
    internal static partial class Log
    {
        [LoggerMessage(4300, LogLevel.Debug, "Connecting to ElevenLabs stream-input: voice {VoiceId}, model {ModelId}, format {OutputFormat}, host {Host}")]
        public static partial void Connecting(ILogger logger, string voiceId, string modelId, string outputFormat, string host);

        [LoggerMessage(4301, LogLevel.Debug, "ElevenLabs stream open after {ConnectMs:F1} ms (voice {VoiceId})")]
        public static partial void Connected(ILogger logger, double connectMs, string voiceId);

        [LoggerMessage(4302, LogLevel.Warning, "ElevenLabs connect failed ({Kind}, retryable {Retryable}, HTTP {HttpStatus}) after {ElapsedMs:F1} ms")]
        public static partial void ConnectFailed(ILogger logger, ElevenLabsFailureKind kind, bool retryable, int? httpStatus, double elapsedMs, Exception exception);

        [LoggerMessage(4303, LogLevel.Debug, "ElevenLabs first audio {SinceFirstTextMs:F1} ms after the first text ({SinceOpenMs:F1} ms after open)")]
        public static partial void FirstAudio(ILogger logger, double sinceFirstTextMs, double sinceOpenMs);

        [LoggerMessage(4304, LogLevel.Debug, "ElevenLabs stream final: {Chunks} chunks, {AudioBytes} audio bytes")]
        public static partial void Final(ILogger logger, int chunks, long audioBytes);

        [LoggerMessage(4305, LogLevel.Warning, "ElevenLabs stream failed ({Kind}, error {ErrorCode}, close {CloseStatus}, retryable {Retryable}): {Message}")]
        public static partial void StreamFailed(ILogger logger, ElevenLabsFailureKind kind, string? errorCode, WebSocketCloseStatus? closeStatus, bool retryable, string message);

        [LoggerMessage(4306, LogLevel.Debug, "ElevenLabs stream closed early by the client after {Chunks} chunks")]
        public static partial void ClosedEarly(ILogger logger, int chunks);
    }
}
