namespace VoiceAgent.Emulators.Deepgram;

/// <summary>What the emulator "hears" in the next detected speech segment.</summary>
public sealed record ScriptedTranscript(string Text, double Confidence);
