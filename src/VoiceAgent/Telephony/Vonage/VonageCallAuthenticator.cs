using System.Security.Cryptography;
using System.Text;
using VoiceAgent.Telephony.Vonage.Ncco;

namespace VoiceAgent.Telephony.Vonage;

/// <summary>
/// Authenticates Vonage WebSocket legs without per-call state: the answer URL puts
/// <c>callSecret = HMAC-SHA256(key, callUuid)</c> into the NCCO headers, Vonage echoes the headers in
/// <c>websocket:connected</c>, and the socket is accepted only if the echo matches (constant-time). The key is
/// shared by every instance through the data folder, so the answer and the socket may land on different servers.
/// </summary>
internal sealed class VonageCallAuthenticator(byte[] key)
{
    public const string CallUuidHeader = "callUuid";

    public string SecretFor(string callUuid)
        => Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(callUuid)));

    public bool IsValid(string? callUuid, string? presented)
        => callUuid is { Length: > 0 } && VonageCallSecret.Matches(SecretFor(callUuid), presented);
}
