using System.Text;
using System.Xml;

namespace VoiceAgent.Telephony.Outbound;

/// <summary><c>&lt;Response&gt;&lt;Say&gt;message&lt;/Say&gt;&lt;Hangup/&gt;&lt;/Response&gt;</c>, escaped: the voicemail drop.</summary>
internal static class VoicemailTwiml
{
    public static string Build(string message)
    {
        var sb = new StringBuilder();
        using (var xml = XmlWriter.Create(sb, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            xml.WriteStartElement("Response");
            xml.WriteElementString("Say", message);
            xml.WriteStartElement("Hangup");
            xml.WriteEndElement();
            xml.WriteEndElement();
        }
        return sb.ToString();
    }
}
