namespace VoiceAgent.Emulators.ChatScript;

/// <summary>
/// Turns the provider-neutral steps of a streamed reply into one provider's SSE events. The
/// <see cref="ChatStreamDriver"/> decides order, timing and faults; the encoder only knows the wire format.
/// </summary>
internal interface IChatStreamEncoder
{
    /// <summary>Status, headers and the events that precede the first content delta.</summary>
    ValueTask WritePreambleAsync(CancellationToken cancellationToken);

    /// <summary>One text delta.</summary>
    ValueTask WriteTextAsync(string text, CancellationToken cancellationToken);

    /// <summary>Opens tool call number <paramref name="ordinal"/> of the plan (not counted as a delta).</summary>
    ValueTask WriteToolStartAsync(int ordinal, CancellationToken cancellationToken);

    /// <summary>One fragment of the arguments JSON of tool call <paramref name="ordinal"/>.</summary>
    ValueTask WriteToolArgumentsAsync(int ordinal, string fragment, CancellationToken cancellationToken);

    /// <summary>The provider's in-stream error object; the response ends after it.</summary>
    ValueTask WriteStreamErrorAsync(ChatFault fault, CancellationToken cancellationToken);

    /// <summary>Closing events: stop reason, usage, terminator.</summary>
    ValueTask WriteEndAsync(CancellationToken cancellationToken);
}
