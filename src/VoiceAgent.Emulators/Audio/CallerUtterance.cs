namespace VoiceAgent.Emulators.Audio;

/// <summary>Audio the emulated caller is queued to say, with its progress and completion.</summary>
internal sealed class CallerUtterance(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
{
    public ReadOnlyMemory<byte> Audio { get; } = audio;

    /// <summary>Bytes already put into frames.</summary>
    public int Position { get; set; }

    /// <summary>Cancelling it stops the rest of the utterance from being sent.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Completed once the frame holding the last byte has been sent.</summary>
    public TaskCompletionSource Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
