using System.Text;
using System.Xml;

namespace VoiceAgent.Telephony.Twilio.Rest;

/// <summary><c>&lt;Response&gt;&lt;Dial&gt;number&lt;/Dial&gt;&lt;/Response&gt;</c>, escaped.</summary>
internal static class DialTwiml
{
    public static string Build(string number)
    {
        var sb = new StringBuilder();
        using (var xml = XmlWriter.Create(sb, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            xml.WriteStartElement("Response");
            xml.WriteElementString("Dial", number);
            xml.WriteEndElement();
        }
        return sb.ToString();
    }
}
