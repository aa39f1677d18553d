using VoiceAgent.Speech.Pipeline;

namespace VoiceAgent.Tests.Speech.Pipeline;

public sealed class LocaleTableTests
{
    private static readonly LocaleTable Table = new(LocaleTable.BuiltIn("voice-1"), "en-US");
    private static readonly Dictionary<string, string> NoParameters = [];

    [Theory]
    [InlineData("+14155550100", "en-US")]
    [InlineData("+447700900123", "en-GB")]
    [InlineData("+34911234567", "es-ES")]
    [InlineData("+525512345678", "es-MX")]
    [InlineData("+4930123456", "de-DE")]
    public void The_callers_country_code_picks_the_locale(string from, string expected)
        => Assert.Equal(expected, Table.Resolve(from, NoParameters).Name);

    [Fact]
    public void An_explicit_locale_parameter_wins_over_the_number()
        => Assert.Equal("fr-FR", Table.Resolve("+14155550100", new Dictionary<string, string> { ["locale"] = "fr-FR" }).Name);

    [Theory]
    [InlineData(null)]
    [InlineData("anonymous")]
    [InlineData("+8612345678")]
    public void Unknown_or_missing_numbers_get_the_default(string? from)
        => Assert.Equal("en-US", Table.Resolve(from, NoParameters).Name);

    [Fact]
    public void Adding_a_language_is_adding_a_row()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, """[{"name":"nl-NL","callingCodes":["31"],"sttModel":"nova-3","sttLanguage":"nl","ttsVoiceId":"dutch-voice","ttsLanguageCode":"nl"},{"name":"en-US","callingCodes":["1"],"sttModel":"nova-3","sttLanguage":"en-US","ttsVoiceId":"v","ttsLanguageCode":"en"}]""");
        try
        {
            var table = new LocaleTable(LocaleTable.Load(path), "en-US");
            var dutch = table.Resolve("+31201234567", NoParameters);
            Assert.Equal(("nl", "dutch-voice"), (dutch.SttLanguage, dutch.TtsVoiceId));
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("es-MX", "es-MX")]
    [InlineData("de", "de-DE")]
    [InlineData("FR-fr", "fr-FR")]
    [InlineData("es-US", "es-ES")]
    [InlineData("en_GB", "en-GB")]
    public void A_language_named_by_the_model_finds_its_row_by_name_stt_language_or_primary_language(string language, string expected)
        => Assert.Equal(expected, Table.Find(language)?.Name);

    [Theory]
    [InlineData("ja-JP")]
    [InlineData("x")]
    [InlineData("")]
    public void A_language_without_a_row_is_not_found(string language) => Assert.Null(Table.Find(language));
}
