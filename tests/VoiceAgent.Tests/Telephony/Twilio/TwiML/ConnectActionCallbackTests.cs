using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using VoiceAgent.Telephony.Twilio.TwiML;

namespace VoiceAgent.Tests.Telephony.Twilio.TwiML;

public sealed class ConnectActionCallbackTests
{
    [Fact]
    public void RelayActionFormIsParsed()
    {
        var callback = ConnectActionCallback.FromForm(new FormCollection(new Dictionary<string, StringValues>
        {
            ["AccountSid"] = "AC00000000000000000000000000000000",
            ["CallSid"] = "CA00000000000000000000000000000000",
            ["CallStatus"] = "in-progress",
            ["From"] = "+14158675309",
            ["To"] = "+18005551212",
            ["Direction"] = "inbound",
            ["SessionId"] = "VX00000000000000000000000000000000",
            ["SessionStatus"] = "ended",
            ["SessionDuration"] = "42",
            ["HandoffData"] = """{"reasonCode":"live-agent-handoff","reason":"caller asked for a human"}""",
        }));

        Assert.Equal(new ConnectActionCallback
        {
            AccountSid = "AC00000000000000000000000000000000",
            CallSid = "CA00000000000000000000000000000000",
            CallStatus = "in-progress",
            From = "+14158675309",
            To = "+18005551212",
            Direction = "inbound",
            SessionId = "VX00000000000000000000000000000000",
            SessionStatus = "ended",
            SessionDuration = TimeSpan.FromSeconds(42),
            HandoffData = """{"reasonCode":"live-agent-handoff","reason":"caller asked for a human"}""",
        }, callback);
    }

    [Fact]
    public void AbsentAndMalformedFieldsAreNull()
    {
        var callback = ConnectActionCallback.FromForm(new FormCollection(new Dictionary<string, StringValues>
        {
            ["CallSid"] = "CA1",
            ["SessionDuration"] = "-5",
            ["HandoffData"] = "",
        }));

        Assert.Null(callback.SessionDuration);
        Assert.Null(callback.HandoffData);
        Assert.Null(callback.SessionId);
    }
}
