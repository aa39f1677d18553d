namespace VoiceAgent.Telephony.ConversationRelay;

/// <summary>
/// A frame skipped on purpose (an <c>info</c> message, a type we do not know), kept as its parts: the text is only
/// built if the debug line that shows it is written.
/// </summary>
internal readonly record struct RelayIgnoredFrame(string Kind, string? Name, string? Value)
{
    public override string ToString() => Kind == "info" ? $"info {Name}={Value}" : $"{Kind} '{Name}'";
}
