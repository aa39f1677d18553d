using System.Text.Json.Serialization;

namespace VoiceAgent.Emulators.Deepgram;

/// <summary>Source-generated JSON for the emulator's HTTP error bodies.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class DeepgramEmulatorJsonContext : JsonSerializerContext;
