using System.Text.Json;

namespace VoiceAgent.Emulators.Vonage;

/// <summary>A <c>{"action":"clear"}</c> the server sent, answered with <c>websocket:cleared</c>.</summary>
/// <param name="ReceivedAt">Arrival time, since the call started.</param>
/// <param name="DiscardedBytes">PCM bytes dropped from the playout buffer unplayed.</param>
/// <param name="Notifies">Payloads of the <c>notify</c> markers still queued, in order.</param>
/// <param name="NotifiesEchoed">Whether those were echoed (<see cref="VonageCallerOptions.EchoPendingNotifiesOnClear"/>) or dropped.</param>
public sealed record VonageClear(TimeSpan ReceivedAt, long DiscardedBytes, IReadOnlyList<JsonElement> Notifies, bool NotifiesEchoed);
