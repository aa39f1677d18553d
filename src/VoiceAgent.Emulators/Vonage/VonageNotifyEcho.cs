using System.Text.Json;

namespace VoiceAgent.Emulators.Vonage;

/// <summary>A <c>websocket:notify</c> the emulated Vonage sent back.</summary>
/// <param name="Payload">The <c>notify</c> payload, echoed unchanged.</param>
/// <param name="ReceivedAt">When the server's <c>notify</c> arrived, since the call started.</param>
/// <param name="EchoedAt">When it was echoed: once all audio before it had played (or at a clear, if so configured).</param>
/// <param name="DueToClear">True when a <c>clear</c> released it (<see cref="VonageCallerOptions.EchoPendingNotifiesOnClear"/>).</param>
public sealed record VonageNotifyEcho(JsonElement Payload, TimeSpan ReceivedAt, TimeSpan EchoedAt, bool DueToClear);
