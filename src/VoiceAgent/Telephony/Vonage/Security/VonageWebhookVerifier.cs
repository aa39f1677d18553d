using VoiceAgent.Observability;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace VoiceAgent.Telephony.Vonage.Security;

/// <summary>
/// Verifies Vonage's signed webhooks (protocols/vonage-signed-webhooks.md): an HS256 JWT in
/// <c>Authorization: Bearer</c>, signed with the account's signature secret, carrying <c>iat</c> (fresh within
/// <see cref="VonageWebhookOptions.MaxTokenAge"/>), a <c>jti</c> never seen before, <c>iss</c> = Vonage and, for a
/// request with a body, <c>payload_hash</c> = SHA-256 hex of that body. Fails closed: no secret, no call.
/// </summary>
/// <remarks>
/// HS256 is written out here rather than taken from Microsoft.IdentityModel.JsonWebTokens: the format is fixed
/// (one algorithm, one symmetric key, no key discovery), the whole check is HMAC-SHA256 over two base64url parts
/// with <see cref="CryptographicOperations.FixedTimeEquals"/>, and everything that matters beyond the signature
/// (the <c>iat</c> window, <c>jti</c> replay, <c>payload_hash</c>) is Vonage-specific and ours to write either way.
/// Refusing any <c>alg</c> but HS256 is then a string compare, with no library option to get wrong.
/// </remarks>
internal sealed partial class VonageWebhookVerifier
{
    private const int ReplaySweepThreshold = 10_000;
    private static readonly JsonSerializerOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    private readonly byte[]? _key;
    private readonly VonageWebhookOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    public VonageWebhookVerifier(VonageWebhookOptions options, TimeProvider clock, ILogger<VonageWebhookVerifier> logger)
    {
        _options = options;
        _key = options.SignatureSecret is { Length: > 0 } secret ? Encoding.UTF8.GetBytes(secret) : null;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>Checks the request; on success the body stays readable for the handler.</summary>
    public async ValueTask<VonageRejectReason> VerifyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var reason = await VerifyCoreAsync(context.Request, cancellationToken);
        if (reason != VonageRejectReason.None) LogRejected(_logger, context.Request.Path, reason);
        return reason;
    }

    private async ValueTask<VonageRejectReason> VerifyCoreAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (_key is null) return VonageRejectReason.NoSecretConfigured;
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= 7) return VonageRejectReason.MissingToken;
        var token = authorization.AsSpan(7).Trim();

        var firstDot = token.IndexOf('.');
        var lastDot = token.LastIndexOf('.');
        if (firstDot <= 0 || lastDot == firstDot || token[(firstDot + 1)..lastDot].Contains('.')) return VonageRejectReason.MalformedToken;
        var signingInput = token[..lastDot];
        if (!TryDecode(token[..firstDot], out var headerBytes) || !TryDecode(token[(firstDot + 1)..lastDot], out var claimBytes) || !TryDecode(token[(lastDot + 1)..], out var signature))
            return VonageRejectReason.MalformedToken;

        VonageJwtHeader? header;
        try { header = JsonSerializer.Deserialize(headerBytes, VonageJwtJsonContext.Default.VonageJwtHeader); }
        catch (JsonException) { return VonageRejectReason.MalformedToken; }
        if (header?.Algorithm != "HS256") return VonageRejectReason.MalformedToken; // never "none", never an asymmetric alg here

        var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signingInput.ToString()));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature)) return VonageRejectReason.BadSignature;

        VonageJwtClaims? claims;
        try { claims = JsonSerializer.Deserialize(claimBytes, VonageJwtJsonContext.Default.VonageJwtClaims); }
        catch (JsonException) { return VonageRejectReason.BadClaims; }
        if (claims is not { IssuedAt: { } iat, TokenId: { Length: > 0 } jti, Issuer: "Vonage" }) return VonageRejectReason.BadClaims;

        var now = _clock.GetUtcNow();
        var issued = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(iat, -62135596800L, 253402300799L));
        if (now - issued > _options.MaxTokenAge || issued - now > _options.MaxClockSkew) return VonageRejectReason.Stale;

        var payload = await CheckPayloadAsync(request, claims.PayloadHash, cancellationToken);
        if (payload != VonageRejectReason.None) return payload;

        // Last, so only fully valid tokens occupy the cache; kept until they would be stale anyway.
        SweepExpired(now);
        if (!_seen.TryAdd(jti, issued + _options.MaxTokenAge + _options.MaxClockSkew)) return VonageRejectReason.Replayed;
        return VonageRejectReason.None;
    }

    private async ValueTask<VonageRejectReason> CheckPayloadAsync(HttpRequest request, string? payloadHash, CancellationToken cancellationToken)
    {
        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (!hasBody)
        {
            // A GET webhook carries its data in the query: Vonage hashes it as compact JSON in the order received.
            if (payloadHash is null) return VonageRejectReason.None;
            return HashMatches(payloadHash, Encoding.UTF8.GetBytes(QueryAsJson(request.QueryString.Value))) ? VonageRejectReason.None : VonageRejectReason.PayloadMismatch;
        }

        if (request.ContentLength > _options.MaxBodyBytes) return VonageRejectReason.BodyTooLarge;
        var body = await ReadBodyAsync(request, _options.MaxBodyBytes, cancellationToken);
        if (body is null) return VonageRejectReason.BodyTooLarge;
        request.Body = new MemoryStream(body, writable: false);
        if (payloadHash is null) return VonageRejectReason.PayloadMismatch;
        if (HashMatches(payloadHash, body)) return VonageRejectReason.None;
        // Fallback (protocols doc §2.1.4): the hash of the body re-serialised as compact JSON.
        try
        {
            return JsonNode.Parse(body) is { } node && HashMatches(payloadHash, Encoding.UTF8.GetBytes(node.ToJsonString(CompactJson)))
                ? VonageRejectReason.None
                : VonageRejectReason.PayloadMismatch;
        }
        catch (JsonException)
        {
            return VonageRejectReason.PayloadMismatch;
        }
    }

    /// <summary>The query string as a compact JSON object of strings, keys in the order received.</summary>
    internal static string QueryAsJson(string? queryString)
    {
        var json = new JsonObject();
        foreach (var pair in (queryString ?? "").TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Unescape(equals < 0 ? pair : pair[..equals]);
            json[name] = Unescape(equals < 0 ? "" : pair[(equals + 1)..]);
        }
        return json.ToJsonString(CompactJson);
    }

    private static string Unescape(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    private static bool HashMatches(string expectedHex, byte[] payload)
    {
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(payload, actual);
        var expected = new byte[SHA256.HashSizeInBytes];
        try
        {
            if (expectedHex.Length != SHA256.HashSizeInBytes * 2 || Convert.FromHexString(expectedHex, expected, out _, out _) != System.Buffers.OperationStatus.Done) return false;
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    private static bool TryDecode(ReadOnlySpan<char> part, out byte[] bytes)
    {
        bytes = [];
        if (part.IsEmpty) return false;
        var buffer = new byte[Base64Url.GetMaxDecodedLength(part.Length)];
        try
        {
            if (!Base64Url.TryDecodeFromChars(part, buffer, out var written)) return false;
            bytes = buffer[..written];
            return true;
        }
        catch (FormatException)
        {
            return false; // not base64url at all
        }
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the body is longer.</summary>
    private static async ValueTask<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private void SweepExpired(DateTimeOffset now)
    {
        if (_seen.Count < ReplaySweepThreshold) return;
        foreach (var (jti, until) in _seen)
            if (until < now) _seen.TryRemove(jti, out _);
    }

    /// <summary>The short reason a refused caller is told.</summary>
    public static string Describe(VonageRejectReason reason) => reason switch
    {
        VonageRejectReason.NoSecretConfigured => "Vonage webhooks are refused: no signature secret is configured.",
        VonageRejectReason.MissingToken => "Missing Authorization: Bearer JWT.",
        VonageRejectReason.BodyTooLarge => "Body too large.",
        _ => "Invalid Vonage signature.",
    };

    [LoggerMessage(EventId = EventIds.VonageWebhookRejected, Level = LogLevel.Warning, Message = "Refused a Vonage webhook on {Path}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string path, VonageRejectReason reason);
}
