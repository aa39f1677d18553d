using System.Xml;

namespace VoiceAgent.Telephony.Twilio.TwiML;

/// <summary>Writes <c>&lt;Response&gt;&lt;Connect&gt;&lt;ConversationRelay&gt;</c> TwiML (camelCase attributes, all values escaped).</summary>
public static class ConversationRelayTwiml
{
    /// <summary>The TwiML document for <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem with its fix.</exception>
    public static string Build(ConversationRelayTwimlOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(TwimlChecks.Describe("ConversationRelay TwiML options", errors), nameof(options));
        return TwimlWriter.Write(options, WriteConnect);
    }

    private static void WriteConnect(XmlWriter writer, ConversationRelayTwimlOptions options)
    {
        writer.WriteStartElement("Connect");
        if (options.ActionUrl is not null)
        {
            TwimlWriter.Attribute(writer, "action", options.ActionUrl);
            writer.WriteAttributeString("method", "POST");
        }

        writer.WriteStartElement("ConversationRelay");
        TwimlWriter.Attribute(writer, "url", options.Url);
        TwimlWriter.Attribute(writer, "welcomeGreeting", options.WelcomeGreeting);
        TwimlWriter.Attribute(writer, "welcomeGreetingInterruptible", WireName(options.WelcomeGreetingInterruptible));
        TwimlWriter.Attribute(writer, "language", options.Language);
        TwimlWriter.Attribute(writer, "ttsLanguage", options.TtsLanguage);
        TwimlWriter.Attribute(writer, "transcriptionLanguage", options.TranscriptionLanguage);
        TwimlWriter.Attribute(writer, "ttsProvider", options.TtsProvider);
        TwimlWriter.Attribute(writer, "voice", options.Voice);
        TwimlWriter.Attribute(writer, "transcriptionProvider", options.TranscriptionProvider);
        TwimlWriter.Attribute(writer, "speechModel", options.SpeechModel);
        TwimlWriter.Attribute(writer, "interruptible", WireName(options.Interruptible));
        TwimlWriter.Attribute(writer, "interruptSensitivity", WireName(options.InterruptSensitivity));
        TwimlWriter.Attribute(writer, "dtmfDetection", options.DtmfDetection);
        TwimlWriter.Attribute(writer, "partialPrompts", options.PartialPrompts);
        TwimlWriter.Attribute(writer, "preemptible", options.Preemptible);
        TwimlWriter.Attribute(writer, "profanityFilter", options.ProfanityFilter);
        TwimlWriter.Attribute(writer, "reportInputDuringAgentSpeech", WireName(options.ReportInputDuringAgentSpeech));
        if (options.Hints.Count > 0) TwimlWriter.Attribute(writer, "hints", string.Join(',', options.Hints));
        TwimlWriter.Attribute(writer, "intelligenceService", options.IntelligenceService);

        foreach (var language in options.Languages)
        {
            writer.WriteStartElement("Language");
            TwimlWriter.Attribute(writer, "code", language.Code);
            TwimlWriter.Attribute(writer, "ttsProvider", language.TtsProvider);
            TwimlWriter.Attribute(writer, "voice", language.Voice);
            TwimlWriter.Attribute(writer, "transcriptionProvider", language.TranscriptionProvider);
            TwimlWriter.Attribute(writer, "speechModel", language.SpeechModel);
            writer.WriteEndElement();
        }

        TwimlWriter.Parameters(writer, options.Parameters);
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    private static string? WireName(ConversationRelayInputMode? mode) => mode switch
    {
        null => null,
        ConversationRelayInputMode.None => "none",
        ConversationRelayInputMode.Dtmf => "dtmf",
        ConversationRelayInputMode.Speech => "speech",
        ConversationRelayInputMode.Any => "any",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown input mode."),
    };

    private static string? WireName(ConversationRelayInterruptSensitivity? sensitivity) => sensitivity switch
    {
        null => null,
        ConversationRelayInterruptSensitivity.Low => "low",
        ConversationRelayInterruptSensitivity.Medium => "medium",
        ConversationRelayInterruptSensitivity.High => "high",
        _ => throw new ArgumentOutOfRangeException(nameof(sensitivity), sensitivity, "Unknown interrupt sensitivity."),
    };
}
