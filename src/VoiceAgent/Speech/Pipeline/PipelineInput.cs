using VoiceAgent.Conversation;

namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// What the speech pipeline's one loop reads, in arrival order: the carrier's inbound frames, mark echoes and keypad
/// digits; the engine's commands; STT events; the reply voice's reports; frames the playout has sent; timers.
/// </summary>
internal abstract record PipelineInput;

/// <summary>
/// One frame of caller audio, in the carrier's format, as it arrived: the first <paramref name="Length"/> bytes of
/// <paramref name="Buffer"/>, rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/> and returned by the loop once handled.
/// </summary>
internal sealed record InboundFrame(byte[] Buffer, int Length, long ReceivedAt) : PipelineInput
{
    public ReadOnlyMemory<byte> Frame => Buffer.AsMemory(0, Length);

    /// <summary>The frame's place on the carrier's stream clock (ms since the stream started); null when not stamped.</summary>
    public long? CarrierMs { get; init; }
}

/// <summary>The carrier echoed a mark: the audio queued before it has played.</summary>
internal sealed record MarkEchoed(string Name) : PipelineInput;

/// <summary>The caller pressed a key (the carrier's own DTMF detection).</summary>
internal sealed record DigitReceived(string Digit, long ReceivedAt) : PipelineInput;

/// <summary>A command from the engine (a reply's token, keypad tones), sent at <paramref name="SentAt"/>.</summary>
internal sealed record EngineCommand(TransportCommand Command, long SentAt) : PipelineInput;

/// <summary>The speech recognition session <paramref name="Session"/> reported <paramref name="Event"/>.</summary>
internal sealed record SttInput(ISpeechToTextSession Session, SpeechEvent Event) : PipelineInput;

/// <summary>The speech recognition session <paramref name="Session"/> is gone for good (null: none could be opened).</summary>
internal sealed record SttLost(ISpeechToTextSession? Session, string Reason) : PipelineInput;

/// <summary>A language switch: the new locale's STT session is connected; the loop swaps it in and closes the old one.</summary>
internal sealed record LocaleSwitched(CallLocale Locale, ISpeechToTextSession Session, TaskCompletionSource Done) : PipelineInput;

/// <summary>A report from a reply's voice.</summary>
internal sealed record VoiceInput(VoiceReport Report) : PipelineInput;

/// <summary>Playout handed this item's frame to the carrier's socket.</summary>
internal sealed record FrameSent(PlayoutItem Item, long SentAt) : PipelineInput;

/// <summary>The barge-in confirmation time after the caller's speech ended has passed.</summary>
internal sealed record ConfirmationDue : PipelineInput;

/// <summary>Completes <paramref name="Done"/> once nothing is being synthesised or waiting to play (before hanging up).</summary>
internal sealed record WhenIdle(TaskCompletionSource Done) : PipelineInput;
