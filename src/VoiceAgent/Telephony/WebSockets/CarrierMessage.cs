namespace VoiceAgent.Telephony.WebSockets;

/// <summary>One message from a carrier and the clock timestamp it arrived at. <see cref="WebSocketMessage.Payload"/> is valid until the next read.</summary>
internal readonly record struct CarrierMessage(WebSocketMessage Message, long ReceivedAt);
