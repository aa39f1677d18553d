namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// The carrier side of an audio call (Twilio Media Streams, Vonage): play frames, place playback markers,
/// drop queued audio, hang up. Implementations serialise their own socket writes; the pipeline calls them from
/// its playout loop and, on barge-in, from the inbound path.
/// </summary>
internal interface IAudioTransport
{
    AudioFormat Format { get; }

    /// <summary>Queues one 20 ms frame for the caller to hear.</summary>
    ValueTask SendAudioAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken);

    /// <summary>A marker the carrier echoes once the audio queued before it has played.</summary>
    ValueTask SendMarkAsync(string name, CancellationToken cancellationToken);

    /// <summary>Drops all audio the carrier has queued but not yet played (barge-in).</summary>
    ValueTask ClearAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Ends the media session. With <paramref name="handoffData"/> asking for a person, a carrier that can transfer
    /// does so; otherwise it continues with its next instruction (usually hanging up).
    /// </summary>
    ValueTask HangUpAsync(string? handoffData, CancellationToken cancellationToken);
}
