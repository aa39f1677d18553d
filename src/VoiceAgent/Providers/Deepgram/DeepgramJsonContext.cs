using System.Text.Json.Serialization;

namespace VoiceAgent.Providers.Deepgram;

/// <summary>Source-generated (reflection-free) JSON metadata for the Deepgram wire messages.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DeepgramResultsMessage))]
[JsonSerializable(typeof(DeepgramSpeechStartedMessage))]
[JsonSerializable(typeof(DeepgramUtteranceEndMessage))]
[JsonSerializable(typeof(DeepgramMetadataMessage))]
[JsonSerializable(typeof(DeepgramErrorMessage))]
internal sealed partial class DeepgramJsonContext : JsonSerializerContext;
