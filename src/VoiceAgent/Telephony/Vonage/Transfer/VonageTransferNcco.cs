using System.Text;
using System.Text.Json;
using VoiceAgent.Telephony.Twilio.Transfer;

namespace VoiceAgent.Telephony.Vonage.Transfer;

/// <summary>
/// The NCCOs of a Vonage warm transfer (docs/vonage.md): the caller waits in a named conversation with hold music; the
/// agent's leg hears the brief (<c>talk</c>), then joins and starts the same conversation; the voicemail fallback
/// (<c>talk</c>, <c>record</c> with a beep, <c>talk</c>) when no one can be reached.
/// </summary>
internal static class VonageTransferNcco
{
    /// <summary>Conversation names carry the caller's leg uuid only, never personal data.</summary>
    public static string RoomFor(string customerUuid) => "xfer-" + customerUuid;

    /// <summary>The caller: in the conversation, hearing the hold music until the agent starts it; the conversation ends when the caller leaves.</summary>
    public static string Customer(string room, string? holdMusicUrl) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("action", "conversation");
        w.WriteString("name", room);
        w.WriteBoolean("startOnEnter", false);
        w.WriteBoolean("endOnExit", true);
        if (holdMusicUrl is not null)
        {
            w.WriteStartArray("musicOnHoldUrl");
            w.WriteStringValue(holdMusicUrl);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    });

    /// <summary>The agent: the brief is spoken first, then the agent joins and starts the conversation.</summary>
    public static string Agent(string room, TransferBrief brief) => Write(w =>
    {
        Talk(w, brief.Spoken);
        w.WriteStartObject();
        w.WriteString("action", "conversation");
        w.WriteString("name", room);
        w.WriteBoolean("startOnEnter", true);
        w.WriteBoolean("endOnExit", true);
        w.WriteEndObject();
    });

    /// <summary>No one can take the call: the caller is told and may leave a message for a call back.</summary>
    public static string Voicemail(WarmTransferOptions options, Uri recordingEventUrl) => Write(w =>
    {
        Talk(w, options.UnavailableLine);
        w.WriteStartObject();
        w.WriteString("action", "record");
        w.WriteStartArray("eventUrl");
        w.WriteStringValue(recordingEventUrl.AbsoluteUri);
        w.WriteEndArray();
        w.WriteString("eventMethod", "POST");
        w.WriteBoolean("beepStart", true);
        w.WriteNumber("endOnSilence", 5);
        w.WriteString("endOnKey", "#");
        w.WriteNumber("timeOut", options.VoicemailMaxSeconds);
        w.WriteEndObject();
        Talk(w, options.VoicemailThanksLine);
    });

    private static void Talk(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("action", "talk");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    private static string Write(Action<Utf8JsonWriter> actions)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            actions(w);
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

}
