namespace VoiceAgent.Tests.Telephony.Twilio.Security;

/// <summary>The published test vectors of twilio-signature.md §4 (token, URLs, parameters, signatures).</summary>
internal static class PublishedVectors
{
    public const string AuthToken = "12345";
    public const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";

    /// <summary>Vector A, deliberately not in sorted order (the wire order is irrelevant).</summary>
    public static KeyValuePair<string, string>[] VectorAParameters =>
    [
        new("To", "+18005551212"),
        new("From", "+14158675309"),
        new("Digits", "1234"),
        new("Caller", "+14158675309"),
        new("CallSid", "CA1234567890ABCDE"),
    ];

    public const string VectorASignature = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

    /// <summary>Vector B: repeated <c>Digits</c>, wire order 5678 before 1234.</summary>
    public static KeyValuePair<string, string>[] VectorBParameters =>
    [
        new("Sid", "CA123"),
        new("SidAccount", "AC123"),
        new("Digits", "5678"),
        new("Digits", "1234"),
    ];

    public const string VectorBSignature = "IK+Dwps556ElfBT0I3Rgjkr1wJU=";

    public const string VectorCBody = """{"property": "value", "boolean": true}""";
    public const string VectorCBodyHash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    public const string VectorCUrl = Url + "&bodySHA256=" + VectorCBodyHash;
    public const string VectorCSignature = "a9nBmqA0ju/hNViExpshrM61xv4=";

    /// <summary>Vector D: the Twilio docs' worked example.</summary>
    public static KeyValuePair<string, string>[] VectorDParameters =>
    [
        new("CallSid", "CA1234567890ABCDE"),
        new("Caller", "+12349013030"),
        new("Digits", "1234"),
        new("From", "+12349013030"),
        new("To", "+18005551212"),
    ];

    public const string VectorDSignature = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

    public const string RelayFullUrlWithQuerySignature = "PfnzrlfJX1WcHWLdGSMzQUwXTUI=";
    public const string RelayQueryAsParametersSignature = "asAxfgmAuwlVbk0rF3pwwrRw60Q=";

    public static KeyValuePair<string, string>[] WithDigits(this KeyValuePair<string, string>[] parameters, string digits)
        => parameters.Select(p => p.Key == "Digits" ? new KeyValuePair<string, string>("Digits", digits) : p).ToArray();
}
