namespace VoiceAgent.Emulators.ElevenLabs;

/// <summary>What a client frame meant to the emulator.</summary>
public enum ElevenLabsEmulatorFrameKind
{
    /// <summary>The first message: <c>text == " "</c> with settings.</summary>
    Begin,
    /// <summary>Text to speak (possibly with <c>flush</c>).</summary>
    Text,
    /// <summary><c>{"text":" "}</c> after the BOS: resets the inactivity timer, speaks nothing (a flush still flushes).</summary>
    KeepAlive,
    /// <summary><c>{"text":""}</c>: generate the rest, send the final message, close.</summary>
    EndOfStream,
    /// <summary>Not JSON, no <c>text</c>, a binary frame, or a first message that is not a BOS.</summary>
    Invalid,
}
