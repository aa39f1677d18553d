using System.Xml.Linq;
using VoiceAgent.Telephony.Twilio.TwiML;

namespace VoiceAgent.Tests.Telephony.Twilio.TwiML;

public sealed class ConversationRelayTwimlTests
{
    private static readonly Uri RelayUrl = new("wss://voice.example.com/ws/relay");

    [Fact]
    public void DefaultsAreWrittenAsCamelCaseAttributes()
    {
        var relay = Relay(ConversationRelayTwiml.Build(new ConversationRelayTwimlOptions { Url = RelayUrl }));

        Assert.Equal("wss://voice.example.com/ws/relay", (string?)relay.Attribute("url"));
        Assert.Equal("ElevenLabs", (string?)relay.Attribute("ttsProvider"));
        Assert.Equal("Deepgram", (string?)relay.Attribute("transcriptionProvider"));
        Assert.Equal("nova-3-general", (string?)relay.Attribute("speechModel"));
        Assert.Equal("any", (string?)relay.Attribute("interruptible"));
        Assert.Equal("true", (string?)relay.Attribute("dtmfDetection"));
        Assert.Equal("en-US", (string?)relay.Attribute("language"));
    }

    [Fact]
    public void UnsetOptionalAttributesAreOmitted()
    {
        var relay = Relay(ConversationRelayTwiml.Build(new ConversationRelayTwimlOptions { Url = RelayUrl }));

        Assert.Equal(["url", "language", "ttsProvider", "transcriptionProvider", "speechModel", "interruptible", "dtmfDetection"],
            relay.Attributes().Select(a => a.Name.LocalName));
    }

    [Fact]
    public void DocumentIsResponseConnectConversationRelay()
    {
        var document = XDocument.Parse(ConversationRelayTwiml.Build(new ConversationRelayTwimlOptions { Url = RelayUrl }));

        Assert.Equal("Response", document.Root!.Name.LocalName);
        var connect = Assert.Single(document.Root.Elements());
        Assert.Equal("Connect", connect.Name.LocalName);
        Assert.Equal("ConversationRelay", Assert.Single(connect.Elements()).Name.LocalName);
        Assert.Equal("utf-8", document.Declaration?.Encoding, ignoreCase: true);
    }

    [Fact]
    public void ActionIsWrittenOnConnectWithPost()
    {
        var connect = XDocument.Parse(ConversationRelayTwiml.Build(new ConversationRelayTwimlOptions
        {
            Url = RelayUrl,
            ActionUrl = new Uri("https://voice.example.com/twiml/relay-action"),
        })).Root!.Element("Connect")!;

        Assert.Equal("https://voice.example.com/twiml/relay-action", (string?)connect.Attribute("action"));
        Assert.Equal("POST", (string?)connect.Attribute("method"));
    }

    [Fact]
    public void OptionalAttributesAreWrittenWhenSet()
    {
        var relay = Relay(ConversationRelayTwiml.Build(new ConversationRelayTwimlOptions
        {
            Url = RelayUrl,
            Voice = "UgBBYS2sOqTuMpoF3BR0",
            WelcomeGreeting = "Hi there",
            WelcomeGreetingInterruptible = ConversationRelayInputMode.Speech,
            Interruptible = ConversationRelayInputMode.Dtmf,
            InterruptSensitivity = ConversationRelayInterruptSensitivity.Medium,
            DtmfDetection = false,
            PartialPrompts = true,
            Preemptible = false,
            ProfanityFilter = true,
            ReportInputDuringAgentSpeech = ConversationRelayInputMode.None,
            Hints = ["Acme", "Zyxel router"],
            IntelligenceService = "GA00000000000000000000000000000000",
            TtsLanguage = "en-GB",
            TranscriptionLanguage = "en-US",
        }));

        Assert.Equal("UgBBYS2sOqTuMpoF3BR0", (string?)relay.Attribute("voice"));
        Assert.Equal("Hi there", (string?)relay.Attribute("welcomeGreeting"));
        Assert.Equal("speech", (string?)relay.Attribute("welcomeGreetingInterruptible"));
        Assert.Equal("dtmf", (string?)relay.Attribute("interruptible"));
        Assert.Equal("medium", (string?)relay.Attribute("interruptSensitivity"));
        Assert.Equal("false", (string?)relay.Attribute("dtmfDetection"));
        Assert.Equal("true", (string?)relay.Attribute("partialPrompts"));
        Assert.Equal("false", (string?)relay.Attribute("preemptible"));
        Assert.Equal("true", (string?)relay.Attribute("profanityFilter"));
        Assert.Equal("none", (string?)relay.Attribute("reportInputDuringAgentSpeech"));
        Assert.Equal("Acme,Zyxel router", (string?)relay.Attribute("hints"));
        Assert.Equal("GA00000000000000000000000000000000", (string?)relay.Attribute("intelligenceService"));
        Assert.Equal("en-GB", (string?)relay.Attribute("ttsLanguage"));
        Assert.Equal("en-US", (string?)relay.Attribute("transcriptionLanguage"));
    }

    [Fact]
    public void LanguagesAndParametersBecomeChildElementsInOrder()
    {
        var relay = Relay(ConversationRelayTwiml.Build(new ConversationRelayTwimlOptions
        {
            Url = RelayUrl,
            Languages = [new ConversationRelayLanguage("es-US") { TtsProvider = "Google", Voice = "es-US-Neural2-A", SpeechModel = "nova-3-general" }],
            Parameters = new Dictionary<string, string> { ["tenantId"] = "acme", ["callerIntent"] = "billing" },
        }));

        var language = Assert.Single(relay.Elements("Language"));
        Assert.Equal("es-US", (string?)language.Attribute("code"));
        Assert.Equal("Google", (string?)language.Attribute("ttsProvider"));
        Assert.Equal("es-US-Neural2-A", (string?)language.Attribute("voice"));
        Assert.Null(language.Attribute("transcriptionProvider"));
        Assert.Equal([("tenantId", "acme"), ("callerIntent", "billing")],
            relay.Elements("Parameter").Select(p => ((string)p.Attribute("name")!, (string)p.Attribute("value")!)));
    }

    [Fact]
    public void GreetingWithXmlSpecialCharactersRoundTrips()
    {
        const string greeting = "Tom & Jerry's <\"best\"> deals > all\nline two";
        var xml = ConversationRelayTwiml.Build(new ConversationRelayTwimlOptions { Url = RelayUrl, WelcomeGreeting = greeting });

        Assert.Equal(greeting, (string?)Relay(xml).Attribute("welcomeGreeting"));
        Assert.DoesNotContain("<\"best\">", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void ParameterWithXmlSpecialCharactersRoundTrips()
    {
        const string name = "note<&>\"'";
        const string value = "</Parameter><Hangup/>&amp;\"'";
        var xml = ConversationRelayTwiml.Build(new ConversationRelayTwimlOptions
        {
            Url = RelayUrl,
            Parameters = new Dictionary<string, string> { [name] = value },
        });

        var parameter = Assert.Single(Relay(xml).Elements("Parameter"));
        Assert.Equal(name, (string?)parameter.Attribute("name"));
        Assert.Equal(value, (string?)parameter.Attribute("value"));
        Assert.Empty(XDocument.Parse(xml).Descendants("Hangup"));
    }

    [Fact]
    public void HttpsUrlIsRejectedNamingTheAttributeAndTheFix()
    {
        var ex = Assert.Throws<ArgumentException>(() => ConversationRelayTwiml.Build(new ConversationRelayTwimlOptions { Url = new Uri("https://voice.example.com/ws/relay") }));

        Assert.Contains("Url 'https://voice.example.com/ws/relay' must be an absolute wss://", ex.Message, StringComparison.Ordinal);
        Assert.Contains("WebSocketUrl.FromPublicBase", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RelativeUrlIsRejected()
        => Assert.Throws<ArgumentException>(() => ConversationRelayTwiml.Build(new ConversationRelayTwimlOptions { Url = new Uri("/ws/relay", UriKind.Relative) }));

    [Fact]
    public void LocalWsUrlIsAccepted()
        => Assert.Equal("ws://127.0.0.1:8080/ws/relay",
            (string?)Relay(ConversationRelayTwiml.Build(new ConversationRelayTwimlOptions { Url = new Uri("ws://127.0.0.1:8080/ws/relay") })).Attribute("url"));

    [Fact]
    public void TooManyParametersAreRejected()
    {
        var parameters = Enumerable.Range(0, 65).ToDictionary(i => $"p{i}", i => "v");

        var ex = Assert.Throws<ArgumentException>(() => ConversationRelayTwiml.Build(new ConversationRelayTwimlOptions { Url = RelayUrl, Parameters = parameters }));

        Assert.Contains("at most 64", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParameterOf500CharactersIsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => ConversationRelayTwiml.Build(new ConversationRelayTwimlOptions
        {
            Url = RelayUrl,
            Parameters = new Dictionary<string, string> { ["k"] = new string('v', 499) },
        }));

        Assert.Contains("Parameter 'k' is 500 characters", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ControlCharacterInGreetingIsRejectedBeforeWriting()
    {
        var ex = Assert.Throws<ArgumentException>(() => ConversationRelayTwiml.Build(new ConversationRelayTwimlOptions { Url = RelayUrl, WelcomeGreeting = "Hi\u0001" }));

        Assert.Contains("WelcomeGreeting contains a control character", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HintContainingCommaIsRejected()
        => Assert.Throws<ArgumentException>(() => ConversationRelayTwiml.Build(new ConversationRelayTwimlOptions { Url = RelayUrl, Hints = ["a,b"] }));

    [Fact]
    public void MalformedLanguageTagIsRejected()
        => Assert.Throws<ArgumentException>(() => ConversationRelayTwiml.Build(new ConversationRelayTwimlOptions { Url = RelayUrl, Language = "en US" }));

    [Fact]
    public void UndefinedEnumValueIsRejected()
        => Assert.Throws<ArgumentException>(() => ConversationRelayTwiml.Build(new ConversationRelayTwimlOptions { Url = RelayUrl, Interruptible = (ConversationRelayInputMode)42 }));

    [Fact]
    public void EveryProblemIsListedInOneMessage()
    {
        var errors = new ConversationRelayTwimlOptions
        {
            Url = new Uri("https://voice.example.com/ws/relay"),
            ActionUrl = new Uri("ftp://voice.example.com/action"),
            TtsProvider = " ",
        }.Validate();

        Assert.Equal(3, errors.Count);
    }

    private static XElement Relay(string xml)
        => XDocument.Parse(xml).Root!.Element("Connect")!.Element("ConversationRelay")!;
}
