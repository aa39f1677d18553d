using System.Xml;

namespace VoiceAgent.Telephony.Twilio.TwiML;

/// <summary>The TwiML answer to a <see cref="ConnectActionCallback"/>: a transfer or a hang-up.</summary>
public static class ConnectActionReply
{
    /// <summary>The hand-off reason code that asks for a person.</summary>
    public const string LiveAgentHandoff = "live-agent-handoff";

    /// <summary>
    /// <c>&lt;Dial&gt;&lt;Number&gt;</c> to a configured number when <see cref="ConnectActionCallback.HandoffData"/>
    /// asks for a transfer (a known <c>transferTarget</c>, or <c>reasonCode</c> <c>live-agent-handoff</c> with a
    /// <see cref="ConnectActionReplyOptions.DefaultTransferNumber"/>); otherwise <c>&lt;Hangup/&gt;</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem with its fix.</exception>
    public static string Build(ConnectActionCallback callback, ConnectActionReplyOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(TwimlChecks.Describe("Connect action reply options", errors), nameof(options));

        var number = TransferNumber(callback.HandoffData, options);
        return TwimlWriter.Write((number, options.CallerId), static (writer, state) =>
        {
            if (state.number is null)
            {
                writer.WriteStartElement("Hangup");
                writer.WriteEndElement();
                return;
            }
            writer.WriteStartElement("Dial");
            TwimlWriter.Attribute(writer, "callerId", state.CallerId);
            writer.WriteElementString("Number", state.number);
            writer.WriteEndElement();
        });
    }

    /// <summary>The configured number <paramref name="handoffData"/> asks for, or null to hang up.</summary>
    internal static string? TransferNumber(string? handoffData, ConnectActionReplyOptions options)
    {
        var payload = HandoffPayload.Parse(handoffData);
        if (payload is null) return null;

        if (payload.TransferTarget is { } target)
            return options.TransferTargets.TryGetValue(target, out var number) ? number : null;
        return string.Equals(payload.ReasonCode, LiveAgentHandoff, StringComparison.Ordinal) ? options.DefaultTransferNumber : null;
    }
}
