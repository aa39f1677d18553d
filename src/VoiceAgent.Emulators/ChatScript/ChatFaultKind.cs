namespace VoiceAgent.Emulators.ChatScript;

/// <summary>What an emulated model endpoint does wrong on a scripted request.</summary>
public enum ChatFaultKind
{
    /// <summary>Answer with an HTTP error status and the provider's documented error body instead of a stream.</summary>
    HttpError,
    /// <summary>Start streaming, then send the provider's in-stream error object after some deltas and end the response.</summary>
    StreamError,
    /// <summary>Start streaming, then send nothing more until the client disconnects.</summary>
    Stall,
    /// <summary>Start streaming, then abort the TCP connection without finishing the response.</summary>
    DropConnection,
}
