using System.Xml;

namespace VoiceAgent.Telephony.Twilio.TwiML;

/// <summary>Writes <c>&lt;Response&gt;&lt;Connect&gt;&lt;Stream&gt;</c> TwiML for a bidirectional Media Stream.</summary>
public static class MediaStreamTwiml
{
    /// <summary>The TwiML document for <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem with its fix.</exception>
    public static string Build(MediaStreamTwimlOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(TwimlChecks.Describe("Media Stream TwiML options", errors), nameof(options));
        return TwimlWriter.Write(options, WriteConnect);
    }

    private static void WriteConnect(XmlWriter writer, MediaStreamTwimlOptions options)
    {
        writer.WriteStartElement("Connect");
        if (options.ActionUrl is not null)
        {
            TwimlWriter.Attribute(writer, "action", options.ActionUrl);
            writer.WriteAttributeString("method", "POST");
        }

        writer.WriteStartElement("Stream");
        TwimlWriter.Attribute(writer, "url", options.Url);
        TwimlWriter.Attribute(writer, "name", options.Name);
        if (options.StatusCallback is not null)
        {
            TwimlWriter.Attribute(writer, "statusCallback", options.StatusCallback);
            writer.WriteAttributeString("statusCallbackMethod", "POST");
        }
        TwimlWriter.Parameters(writer, options.Parameters);
        writer.WriteEndElement();
        writer.WriteEndElement();

        if (options.RedirectUrl is not null)
        {
            writer.WriteStartElement("Redirect");
            writer.WriteAttributeString("method", "POST");
            writer.WriteString(options.RedirectUrl.AbsoluteUri);
            writer.WriteEndElement();
        }
    }
}
