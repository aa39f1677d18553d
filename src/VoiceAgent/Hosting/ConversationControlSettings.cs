using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using VoiceAgent.Conversation.Compliance;
using VoiceAgent.Conversation.History;

namespace VoiceAgent.Hosting;

/// <summary>
/// Settings for consent, recording, silence handling and the history policy (issue 8). Read once at start-up with
/// the other settings; every value is validated and listed with a fix hint.
/// </summary>
public sealed record ConversationControlSettings
{
    /// <summary>Ask for consent (1/2 or yes/no) before anything is recorded or kept. Off by default: see <see cref="ConsentOptions"/>.</summary>
    public bool ConsentRequired { get; init; }
    /// <summary>JSON file of consent texts per locale; unset uses the built-in English and Spanish texts.</summary>
    public string? ConsentTextsFile { get; init; }
    public int ConsentMaxAttempts { get; init; } = 2;
    /// <summary>Record consented calls through the carrier (Twilio REST, dual channel).</summary>
    public bool RecordingEnabled { get; init; }
    /// <summary>After a recording is fetched and stored encrypted, delete the carrier's copy.</summary>
    public bool RecordingDeleteFromCarrier { get; init; } = true;
    /// <summary>Where fetched recordings are kept: <c>RECORDING_STORE=local|s3</c> and the S3 settings.</summary>
    public RecordingStoreSettings RecordingStorage { get; init; } = new();
    /// <summary>How long the application's payment handler may take before the caller is told the payment did not go through.</summary>
    public TimeSpan PaymentHandlerTimeout { get; init; } = new Payments.PaymentCaptureOptions().HandlerTimeout;
    /// <summary>Silence after the agent spoke before a reprompt; zero turns the watch off.</summary>
    public TimeSpan SilenceTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public int SilenceReprompts { get; init; } = 1;
    public string SilenceRepromptLine { get; init; } = new Conversation.Pacing.SilenceOptions().RepromptLine;
    public string SilenceGoodbyeLine { get; init; } = new Conversation.Pacing.SilenceOptions().GoodbyeLine;
    public HistoryPolicy HistoryPolicy { get; init; } = HistoryPolicy.Rolling;
    public int HistoryHardCapTurns { get; init; } = 40;
    public int HistoryTokenBudget { get; init; } = 6000;

    internal IReadOnlyList<string> ParseErrors { get; init; } = [];

    internal static ConversationControlSettings From(SettingReader r)
    {
        var d = new ConversationControlSettings();
        return new ConversationControlSettings
        {
            ConsentRequired = r.Bool("CONSENT_REQUIRED", d.ConsentRequired),
            ConsentTextsFile = r.String("CONSENT_TEXTS_FILE"),
            ConsentMaxAttempts = r.Int("CONSENT_MAX_ATTEMPTS", d.ConsentMaxAttempts),
            RecordingEnabled = r.Bool("RECORDING_ENABLED", d.RecordingEnabled),
            RecordingDeleteFromCarrier = r.Bool("RECORDING_DELETE_FROM_CARRIER", d.RecordingDeleteFromCarrier),
            RecordingStorage = RecordingStoreSettings.From(r),
            PaymentHandlerTimeout = r.Milliseconds("PAYMENT_HANDLER_TIMEOUT_MS", d.PaymentHandlerTimeout),
            SilenceTimeout = r.Milliseconds("SILENCE_TIMEOUT_MS", d.SilenceTimeout),
            SilenceReprompts = r.Int("SILENCE_REPROMPTS", d.SilenceReprompts),
            SilenceRepromptLine = r.String("SILENCE_REPROMPT_LINE") ?? d.SilenceRepromptLine,
            SilenceGoodbyeLine = r.String("SILENCE_GOODBYE_LINE") ?? d.SilenceGoodbyeLine,
            HistoryPolicy = r.Choice("HISTORY_POLICY", d.HistoryPolicy),
            HistoryHardCapTurns = r.Int("HISTORY_HARD_CAP_TURNS", d.HistoryHardCapTurns),
            HistoryTokenBudget = r.Int("HISTORY_TOKEN_BUDGET", d.HistoryTokenBudget),
        };
    }

    internal ConsentOptions ConsentOptions(string defaultLocale, List<string>? errors = null)
    {
        var texts = ConsentTexts.BuiltIn;
        if (ConsentTextsFile is { } file && File.Exists(file))
        {
            try
            {
                texts = JsonSerializer.Deserialize(File.ReadAllText(file), ConsentTextsJsonContext.Default.DictionaryStringConsentTexts)
                    ?? throw new JsonException("the file holds null");
            }
            catch (JsonException ex)
            {
                errors?.Add($"CONSENT_TEXTS_FILE '{file}' is not a JSON object of locale → {{notice, notUnderstood, declined, yesWords, noWords}} ({ex.Message}).");
            }
        }
        return new ConsentOptions
        {
            Required = ConsentRequired,
            Texts = new Dictionary<string, ConsentTexts>(texts, StringComparer.OrdinalIgnoreCase),
            DefaultLocale = texts.ContainsKey(defaultLocale) ? defaultLocale : texts.Keys.FirstOrDefault() ?? defaultLocale,
            MaxAttempts = ConsentMaxAttempts,
        };
    }

    internal Conversation.Pacing.SilenceOptions SilenceOptions() => new()
    {
        Timeout = SilenceTimeout,
        Reprompts = SilenceReprompts,
        RepromptLine = SilenceRepromptLine,
        GoodbyeLine = SilenceGoodbyeLine,
    };

    internal HistoryPolicyOptions HistoryOptions(int windowTurns) => new()
    {
        Policy = HistoryPolicy,
        WindowTurns = windowTurns,
        HardCapTurns = HistoryHardCapTurns,
        TokenBudget = HistoryTokenBudget,
    };

    internal IReadOnlyList<string> Validate(VoiceAgentSettings settings)
    {
        var errors = new List<string>();
        SettingChecks.FileExists(errors, "CONSENT_TEXTS_FILE", ConsentTextsFile);
        errors.AddRange(ConsentOptions(settings.DefaultLocale, errors).Validate());
        errors.AddRange(SilenceOptions().Validate());
        errors.AddRange(HistoryOptions(settings.HistoryTurns).Validate());
        if (RecordingEnabled && (settings.TwilioAccountSid is null || settings.TwilioAuthToken is null))
            errors.Add("RECORDING_ENABLED=true needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (recordings are made through the Twilio REST API).");
        errors.AddRange(RecordingStorage.Validate());
        if (PaymentHandlerTimeout <= TimeSpan.Zero || PaymentHandlerTimeout > TimeSpan.FromMinutes(2))
            errors.Add($"PAYMENT_HANDLER_TIMEOUT_MS must be between 1 and 120000 (got {PaymentHandlerTimeout.TotalMilliseconds:0}): the caller waits in silence meanwhile.");
        return errors;
    }

    /// <summary>For start-up notes: the numbers as configured.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"consent {(ConsentRequired ? "required" : "off")}, recording {(RecordingEnabled ? "on, stored " + RecordingStorage : "off")}, silence {SilenceTimeout.TotalMilliseconds:0} ms × {SilenceReprompts}, history {HistoryPolicy}");
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, ConsentTexts>))]
internal sealed partial class ConsentTextsJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
