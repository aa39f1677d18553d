using System.Globalization;
using System.Text;
using System.Xml;

namespace VoiceAgent.Telephony.Twilio.TwiML;

/// <summary>Writes a UTF-8 <c>&lt;Response&gt;</c> document with <see cref="XmlWriter"/>, so every value is escaped.</summary>
internal static class TwimlWriter
{
    public static string Write<TState>(TState state, Action<XmlWriter, TState> writeBody)
    {
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            Indent = false,
            CheckCharacters = true,
            // Newlines inside attribute values become character references, so they survive parsing.
            NewLineHandling = NewLineHandling.Entitize,
        };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement("Response");
            writeBody(writer, state);
            writer.WriteEndElement();
            writer.WriteEndDocument();
        }
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, checked((int)stream.Length));
    }

    /// <summary>Writes the attribute unless <paramref name="value"/> is null.</summary>
    public static void Attribute(XmlWriter writer, string name, string? value)
    {
        if (value is not null) writer.WriteAttributeString(name, value);
    }

    public static void Attribute(XmlWriter writer, string name, bool? value)
    {
        if (value is { } flag) writer.WriteAttributeString(name, flag ? "true" : "false");
    }

    public static void Attribute(XmlWriter writer, string name, Uri? value)
    {
        if (value is not null) writer.WriteAttributeString(name, value.AbsoluteUri);
    }

    public static void Attribute(XmlWriter writer, string name, int? value)
    {
        if (value is { } number) writer.WriteAttributeString(name, number.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Writes <c>&lt;Parameter name value/&gt;</c> children in the dictionary's order.</summary>
    public static void Parameters(XmlWriter writer, IReadOnlyDictionary<string, string> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            writer.WriteStartElement("Parameter");
            writer.WriteAttributeString("name", name);
            writer.WriteAttributeString("value", value);
            writer.WriteEndElement();
        }
    }
}
