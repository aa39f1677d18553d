using System.Globalization;
using VoiceAgent.Telephony.Twilio.TwiML;

namespace VoiceAgent.Telephony.Twilio.Transfer;

/// <summary>
/// The TwiML documents of a warm transfer (twilio-conference-transfer.md §1, §3.1): the caller waits in a
/// conference with hold audio; the agent's leg plays the brief, then joins and starts the conference; the
/// voicemail fallback when no one can be reached.
/// </summary>
internal static class ConferenceTwiml
{
    /// <summary>Room names carry the caller's call SID only, never personal data.</summary>
    public static string RoomFor(string customerCallSid) => "xfer-" + customerCallSid;

    /// <summary>
    /// The caller: muted into the room with hold audio until the agent starts it; the room ends when the caller leaves,
    /// and that leaving is posted to <paramref name="statusCallback"/> (so an agent still ringing can be cancelled).
    /// </summary>
    public static string Customer(string room, string? holdMusicUrl, Uri statusCallback) => TwimlWriter.Write((room, holdMusicUrl, statusCallback), static (w, s) =>
    {
        w.WriteStartElement("Dial");
        w.WriteStartElement("Conference");
        w.WriteAttributeString("startConferenceOnEnter", "false");
        w.WriteAttributeString("endConferenceOnExit", "true");
        w.WriteAttributeString("beep", "false");
        if (s.holdMusicUrl is not null)
        {
            w.WriteAttributeString("waitUrl", s.holdMusicUrl);
            w.WriteAttributeString("waitMethod", "GET");
        }
        w.WriteAttributeString("participantLabel", "customer");
        w.WriteAttributeString("statusCallback", s.statusCallback.AbsoluteUri);
        w.WriteAttributeString("statusCallbackEvent", "leave");
        w.WriteAttributeString("statusCallbackMethod", "POST");
        w.WriteString(s.room);
        w.WriteEndElement();
        w.WriteEndElement();
    });

    /// <summary>The agent: hears the brief first, then joins and starts the room; the AI is no longer on the call.</summary>
    public static string Agent(string room, TransferBrief brief) => TwimlWriter.Write((room, brief.Spoken), static (w, s) =>
    {
        w.WriteElementString("Say", s.Spoken);
        w.WriteStartElement("Dial");
        w.WriteStartElement("Conference");
        w.WriteAttributeString("startConferenceOnEnter", "true");
        w.WriteAttributeString("endConferenceOnExit", "true");
        w.WriteAttributeString("beep", "false");
        w.WriteAttributeString("participantLabel", "agent");
        w.WriteString(s.room);
        w.WriteEndElement();
        w.WriteEndElement();
    });

    /// <summary>No one can take the call: the caller is told, and may leave a message for a call back.</summary>
    public static string Voicemail(WarmTransferOptions options) => TwimlWriter.Write(options, static (w, o) =>
    {
        w.WriteElementString("Say", o.UnavailableLine);
        w.WriteStartElement("Record");
        w.WriteAttributeString("maxLength", o.VoicemailMaxSeconds.ToString(CultureInfo.InvariantCulture));
        w.WriteAttributeString("playBeep", "true");
        w.WriteAttributeString("action", new Uri(o.PublicBaseUrl, TransferEndpoints.VoicemailPath).ToString());
        w.WriteEndElement();
        w.WriteElementString("Say", o.VoicemailThanksLine);
        w.WriteStartElement("Hangup");
        w.WriteEndElement();
    });

    /// <summary>After the message: thanks and goodbye.</summary>
    public static string VoicemailDone(WarmTransferOptions options) => TwimlWriter.Write(options, static (w, o) =>
    {
        w.WriteElementString("Say", o.VoicemailThanksLine);
        w.WriteStartElement("Hangup");
        w.WriteEndElement();
    });
}
