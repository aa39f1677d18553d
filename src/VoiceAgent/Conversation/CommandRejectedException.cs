namespace VoiceAgent.Conversation;

/// <summary>
/// A transport could not carry out a call-control command (an unknown language, an invalid digit string). The engine
/// tells the model what failed instead of reporting success; the call goes on.
/// </summary>
public sealed class CommandRejectedException : Exception
{
    public CommandRejectedException() : this("the transport rejected the command") { }

    public CommandRejectedException(string message) : base(message) { }

    public CommandRejectedException(string message, Exception innerException) : base(message, innerException) { }
}
