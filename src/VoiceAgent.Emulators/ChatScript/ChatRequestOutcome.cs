namespace VoiceAgent.Emulators.ChatScript;

/// <summary>How the emulator's handling of one request ended.</summary>
public enum ChatRequestOutcome
{
    /// <summary>The full response was written.</summary>
    Completed,
    /// <summary>The client went away (cancelled / closed the connection) before the response was complete.</summary>
    ClientAborted,
    /// <summary>A scripted fault ended the request (HTTP error, in-stream error, dropped connection), or the emulator failed.</summary>
    Faulted,
}
