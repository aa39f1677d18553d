using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;

namespace VoiceAgent.Providers.Deepgram;

/// <summary>
/// Settings for Deepgram live speech-to-text (<c>/v1/listen</c> over a WebSocket). Per-call model,
/// language, encoding and sample rate come from <see cref="Speech.SpeechToTextSessionOptions"/>;
/// <see cref="Model"/> and <see cref="Language"/> here are the fallbacks when a session leaves them empty.
/// </summary>
public sealed record DeepgramOptions
{
    /// <summary>Deepgram recommends an <c>utterance_end_ms</c> of at least this many milliseconds: interim results arrive about once a second, so a shorter gap is never observed.</summary>
    public const int MinimumUtteranceEndMs = 1000;

    /// <summary>Deepgram closes a socket that received no frame for 10 s (close 1011 <c>NET-0001</c>).</summary>
    public static readonly TimeSpan ServerIdleTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The public Deepgram API origin.</summary>
    public static readonly Uri DefaultBaseUrl = new("wss://api.deepgram.com");

    /// <summary>Deepgram API key, sent as <c>Authorization: Token &lt;key&gt;</c> on the upgrade. Never logged or printed.</summary>
    public string ApiKey { get; init; } = "";

    /// <summary>A <c>ws://</c> or <c>wss://</c> origin without a path; the client adds <c>/v1/listen</c>.</summary>
    public Uri BaseUrl { get; init; } = DefaultBaseUrl;

    /// <summary>Model used when the session options name none.</summary>
    public string Model { get; init; } = "nova-3";

    /// <summary>BCP-47 language used when the session options name none.</summary>
    public string Language { get; init; } = "en-US";

    /// <summary><c>interim_results</c>: partial transcripts while the caller speaks (needed for <see cref="UtteranceEndMs"/>).</summary>
    public bool InterimResults { get; init; } = true;

    /// <summary><c>endpointing</c>: milliseconds of silence that end an utterance (<c>speech_final</c>); <c>null</c> sends <c>endpointing=false</c>.</summary>
    public int? EndpointingMs { get; init; } = 300;

    /// <summary><c>utterance_end_ms</c>: word gap that produces an <c>UtteranceEnd</c> message; at least <see cref="MinimumUtteranceEndMs"/>; <c>null</c> turns it off.</summary>
    public int? UtteranceEndMs { get; init; } = MinimumUtteranceEndMs;

    /// <summary><c>vad_events</c>: <c>SpeechStarted</c> messages (early barge-in signal).</summary>
    public bool VadEvents { get; init; } = true;

    /// <summary><c>smart_format</c>: numbers, dates and similar formatted for reading.</summary>
    public bool SmartFormat { get; init; } = true;

    /// <summary><c>punctuate</c>: punctuation and capitalisation.</summary>
    public bool Punctuate { get; init; } = true;

    /// <summary>Further query parameters sent as given (repeatable ones such as <c>keyterm</c> or <c>redact</c> may appear more than once).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> AdditionalQueryParameters { get; init; } = [];

    /// <summary>
    /// A <c>KeepAlive</c> text frame goes out once no audio (and no KeepAlive) was sent for this long; the check
    /// runs every half interval, so the gap between frames stays under 1.5 × this. Must stay under the server's 10 s idle timeout.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>How many times a dropped socket is reconnected before the session reports a fatal error. The first connect also gets this many retries for retryable failures.</summary>
    public int ReconnectAttempts { get; init; } = 5;

    /// <summary>Delay before the first reconnect attempt; doubled per attempt (with ±20 % jitter) up to <see cref="MaxReconnectBackoff"/>.</summary>
    public TimeSpan ReconnectBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Upper bound of the delay between reconnect attempts.</summary>
    public TimeSpan MaxReconnectBackoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How much not-yet-finalised audio is kept to replay on a new socket after a drop (the newest is kept).
    /// For raw encodings (mulaw, alaw, linear16, linear32) this is audio since the last final result; for
    /// others, audio that could not be sent.
    /// </summary>
    public TimeSpan ReplayBufferDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Bound on one WebSocket upgrade.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>On dispose, how long to wait after <c>CloseStream</c> for the remaining results, <c>Metadata</c> and the close frame.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Every problem with these settings, each with a hint; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(ApiKey))
            errors.Add("ApiKey is required: set DEEPGRAM_API_KEY (or DeepgramOptions.ApiKey) to a Deepgram API key.");
        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != "ws" && BaseUrl.Scheme != "wss"))
            errors.Add($"BaseUrl '{BaseUrl}' must be an absolute ws:// or wss:// origin, e.g. wss://api.deepgram.com.");
        else if (BaseUrl.AbsolutePath != "/" || BaseUrl.Query.Length > 0 || BaseUrl.Fragment.Length > 0)
            errors.Add($"BaseUrl '{BaseUrl}' must be an origin without path, query or fragment; the client adds /v1/listen.");
        if (string.IsNullOrWhiteSpace(Model))
            errors.Add("Model is required, e.g. nova-3.");
        if (string.IsNullOrWhiteSpace(Language))
            errors.Add("Language is required, e.g. en-US (or multi for nova-3 multilingual).");
        if (EndpointingMs is <= 0)
            errors.Add($"EndpointingMs {EndpointingMs} must be positive (300-500 suits conversation), or null to send endpointing=false.");
        if (UtteranceEndMs is int utteranceEnd)
        {
            if (utteranceEnd < MinimumUtteranceEndMs)
                errors.Add($"UtteranceEndMs {utteranceEnd} is below {MinimumUtteranceEndMs}: Deepgram sends interim results about once a second, so use {MinimumUtteranceEndMs} or more (or null to turn UtteranceEnd off).");
            if (!InterimResults)
                errors.Add("UtteranceEndMs needs InterimResults = true (Deepgram computes utterance ends from interim results).");
        }
        foreach (var (key, _) in AdditionalQueryParameters ?? [])
        {
            if (string.IsNullOrWhiteSpace(key))
                errors.Add("AdditionalQueryParameters contains an empty name.");
            else if (DeepgramListenUri.IsManagedParameter(key))
                errors.Add($"AdditionalQueryParameters must not set '{key}': it is controlled by a dedicated option or the session options.");
        }
        if (KeepAliveInterval <= TimeSpan.Zero || KeepAliveInterval >= ServerIdleTimeout)
            errors.Add($"KeepAliveInterval {KeepAliveInterval} must be above zero and under the server's {ServerIdleTimeout.TotalSeconds:0} s idle timeout; Deepgram suggests 3-5 s.");
        if (ReconnectAttempts is < 0 or > 20)
            errors.Add($"ReconnectAttempts {ReconnectAttempts} must be between 0 and 20.");
        if (ReconnectBackoff < TimeSpan.Zero || ReconnectBackoff > TimeSpan.FromSeconds(30))
            errors.Add($"ReconnectBackoff {ReconnectBackoff} must be between 0 and 30 s.");
        if (MaxReconnectBackoff < ReconnectBackoff || MaxReconnectBackoff > TimeSpan.FromSeconds(60))
            errors.Add($"MaxReconnectBackoff {MaxReconnectBackoff} must be at least ReconnectBackoff ({ReconnectBackoff}) and at most 60 s.");
        if (ReplayBufferDuration < TimeSpan.Zero || ReplayBufferDuration > TimeSpan.FromSeconds(30))
            errors.Add($"ReplayBufferDuration {ReplayBufferDuration} must be between 0 and 30 s.");
        if (ConnectTimeout <= TimeSpan.Zero)
            errors.Add($"ConnectTimeout {ConnectTimeout} must be positive.");
        if (CloseTimeout <= TimeSpan.Zero)
            errors.Add($"CloseTimeout {CloseTimeout} must be positive.");
        return errors;
    }

    /// <summary>Throws an <see cref="OptionsValidationException"/> carrying every error from <see cref="Validate"/>.</summary>
    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0) throw new OptionsValidationException(nameof(DeepgramOptions), typeof(DeepgramOptions), errors);
    }

    // The generated ToString would print ApiKey; list the settings without it.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture,
            $"ApiKey = {(string.IsNullOrEmpty(ApiKey) ? "(none)" : "(set)")}, BaseUrl = {BaseUrl}, Model = {Model}, Language = {Language}, " +
            $"InterimResults = {InterimResults}, EndpointingMs = {EndpointingMs}, UtteranceEndMs = {UtteranceEndMs}, VadEvents = {VadEvents}, " +
            $"SmartFormat = {SmartFormat}, Punctuate = {Punctuate}, AdditionalQueryParameters = {AdditionalQueryParameters?.Count ?? 0}, " +
            $"KeepAliveInterval = {KeepAliveInterval}, ReconnectAttempts = {ReconnectAttempts}, ReconnectBackoff = {ReconnectBackoff}, " +
            $"MaxReconnectBackoff = {MaxReconnectBackoff}, ReplayBufferDuration = {ReplayBufferDuration}, ConnectTimeout = {ConnectTimeout}, CloseTimeout = {CloseTimeout}");
        return true;
    }
}
