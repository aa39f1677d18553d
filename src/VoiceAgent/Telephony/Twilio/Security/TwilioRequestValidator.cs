using System.Buffers;
using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace VoiceAgent.Telephony.Twilio.Security;

/// <summary>
/// Decides whether an ASP.NET Core request really comes from Twilio: signature over the public URL
/// (webhooks: <see cref="TwilioSecurityOptions.PublicBaseUrl"/> + path + query, form parameters;
/// WebSocket upgrades: the <c>wss://</c> form of it), then the AccountSid allow-list. Upgrades carry
/// no AccountSid, so transports call <see cref="IsAccountAllowed"/> on the first (setup/start) message.
/// </summary>
internal sealed partial class TwilioRequestValidator
{
    private const string AccountSidField = "AccountSid";
    private const int BodyReadBufferSize = 16 * 1024;

    private readonly TwilioSecurityOptions _options;
    private readonly ILogger<TwilioRequestValidator> _logger;
    private readonly string _webhookOrigin;
    private readonly string _webSocketOrigin;
    private readonly FrozenSet<string> _allowedAccounts;

    public TwilioRequestValidator(TwilioSecurityOptions options, ILogger<TwilioRequestValidator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var errors = options.Validate();
        if (errors.Count > 0)
            throw new InvalidOperationException("Invalid Twilio security options:" + Environment.NewLine + " - " + string.Join(Environment.NewLine + " - ", errors));

        _options = options;
        _logger = logger;
        _webhookOrigin = PublicUrl.Origin(options.PublicBaseUrl, webSocket: false);
        _webSocketOrigin = PublicUrl.Origin(options.PublicBaseUrl, webSocket: true);
        var allowed = new HashSet<string>(options.AllowedAccountSids, StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(options.AccountSid)) allowed.Add(options.AccountSid);
        _allowedAccounts = allowed.ToFrozenSet(StringComparer.Ordinal);

        if (options.BypassSignature) Log.SignatureBypassEnabled(_logger);
        else if (string.IsNullOrEmpty(options.AuthToken)) Log.AuthTokenNotConfigured(_logger);
    }

    /// <summary>
    /// Checks <paramref name="context"/>; <see cref="TwilioRejectReason.None"/> means accepted. Reads
    /// (and buffers, so handlers can read it again) the form or body when the signature needs it.
    /// </summary>
    public async ValueTask<TwilioRejectReason> ValidateAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var reason = await CheckAsync(context, cancellationToken);
        if (reason != TwilioRejectReason.None)
            Log.RequestRejected(_logger, context.Request.Path.Value ?? "/", Describe(reason));
        return reason;
    }

    /// <summary>
    /// Whether calls of <paramref name="accountSid"/> are served: always for the configured account and
    /// the allow-list; for any account when neither is configured; never for a missing SID otherwise.
    /// </summary>
    public bool IsAccountAllowed(string? accountSid)
    {
        if (IsAllowed(accountSid)) return true;
        Log.AccountRejected(_logger);
        return false;
    }

    /// <summary>The short plain-text reason sent with a 403.</summary>
    public static string Describe(TwilioRejectReason reason) => reason switch
    {
        TwilioRejectReason.None => "accepted",
        TwilioRejectReason.AuthTokenNotConfigured => "Twilio auth token is not configured",
        TwilioRejectReason.MissingSignature => "missing X-Twilio-Signature",
        TwilioRejectReason.InvalidSignature => "invalid X-Twilio-Signature",
        TwilioRejectReason.BodyHashMismatch => "body does not match bodySHA256",
        TwilioRejectReason.UnreadableBody => "unreadable request body",
        TwilioRejectReason.AccountNotAllowed => "AccountSid not allowed",
        TwilioRejectReason.BodyTooLarge => "request body too large",
        _ => "rejected",
    };

    private async ValueTask<TwilioRejectReason> CheckAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var checkSignature = !_options.BypassSignature;
        var authToken = _options.AuthToken;
        string? signature = null;
        if (checkSignature)
        {
            if (string.IsNullOrEmpty(authToken)) return TwilioRejectReason.AuthTokenNotConfigured;
            var header = request.Headers[TwilioSignature.HeaderName];
            if (header.Count != 1 || string.IsNullOrEmpty(header[0])) return TwilioRejectReason.MissingSignature;
            signature = header[0];
        }

        if (context.WebSockets.IsWebSocketRequest)
        {
            // No body and no AccountSid on an upgrade: the transport checks the account on the first message.
            if (!checkSignature) return TwilioRejectReason.None;
            var url = _webSocketOrigin + PathAndQuery(context);
            return TwilioSignature.IsValidWebSocketUpgrade(authToken!, url, signature)
                ? TwilioRejectReason.None
                : TwilioRejectReason.InvalidSignature;
        }

        var webhookUrl = _webhookOrigin + PathAndQuery(context);
        string? accountSid;
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(cancellationToken);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return TwilioRejectReason.BodyTooLarge;
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
            {
                return TwilioRejectReason.UnreadableBody;
            }

            if (checkSignature && !TwilioSignature.IsValid(authToken!, webhookUrl, Flatten(form), signature))
                return TwilioRejectReason.InvalidSignature;
            accountSid = Single(form[AccountSidField]);
        }
        else
        {
            if (checkSignature)
            {
                if (!TwilioSignature.IsValid(authToken!, webhookUrl, parameters: null, signature))
                    return TwilioRejectReason.InvalidSignature;
                if (TwilioSignature.TryGetBodyHash(webhookUrl, out var bodyHash))
                {
                    var bodyCheck = await CheckBodyHashAsync(request, bodyHash, cancellationToken);
                    if (bodyCheck != TwilioRejectReason.None) return bodyCheck;
                }
            }
            accountSid = Single(request.Query[AccountSidField]);
        }

        return IsAllowed(accountSid) ? TwilioRejectReason.None : TwilioRejectReason.AccountNotAllowed;
    }

    private static async ValueTask<TwilioRejectReason> CheckBodyHashAsync(HttpRequest request, string expectedHex, CancellationToken cancellationToken)
    {
        // Only reached once the signed URL has been verified, so unauthenticated callers cannot make us hash large bodies.
        request.EnableBuffering();
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BodyReadBufferSize);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
                sha256.AppendData(buffer, 0, read);
            request.Body.Position = 0;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TwilioRejectReason.BodyTooLarge;
        }
        catch (Exception ex) when (ex is IOException or BadHttpRequestException)
        {
            return TwilioRejectReason.UnreadableBody;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        sha256.GetHashAndReset(actual);
        return TwilioSignature.BodyHashMatches(expectedHex, actual) ? TwilioRejectReason.None : TwilioRejectReason.BodyHashMismatch;
    }

    private bool IsAllowed(string? accountSid)
        => _allowedAccounts.Count == 0 || (accountSid is not null && _allowedAccounts.Contains(accountSid));

    /// <summary>Path and query exactly as the client sent them (still percent-encoded), which is what Twilio signed.</summary>
    private static string PathAndQuery(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (rawTarget is { Length: > 0 } && rawTarget[0] == '/') return rawTarget;
        var request = context.Request;
        return (request.PathBase + request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
    }

    private static List<KeyValuePair<string, string>> Flatten(IFormCollection form)
    {
        var pairs = new List<KeyValuePair<string, string>>(form.Count);
        foreach (var (name, values) in form)
        {
            foreach (var value in values) pairs.Add(new(name, value ?? string.Empty));
        }
        return pairs;
    }

    private static string? Single(StringValues values) => values.Count == 1 ? values[0] : null;
}
