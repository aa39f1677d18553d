using VoiceAgent.Observability;

namespace VoiceAgent.Tests.Observability;

public sealed class LogValuesTests
{
    [Theory]
    [InlineData("The 'To' number +15551234567 is not a valid phone number.", "The 'To' number ***67 is not a valid phone number.")]
    [InlineData("dial (555) 123-4567 now", "dial ***67 now")]
    [InlineData("call 0044 20 7946 0958", "call ***58")]
    [InlineData("card 4111111111111111 declined", "card ***11 declined")]
    [InlineData("card 4111 1111 1111 1111 declined", "card ***11 declined")]
    [InlineData("card 6011-0009-9013-9424-123 declined", "card ***23 declined")]
    public void Phone_numbers_in_free_text_are_masked_to_their_last_two_digits(string text, string expected) =>
        Assert.Equal(expected, LogValues.MaskPhoneNumbers(text));

    [Theory]
    [InlineData("CA0123456789abcdef0123456789abcdef")]
    [InlineData("HTTP 503 after 1200 ms")]
    [InlineData("error 21211")]
    public void Ids_and_short_numbers_are_left_alone(string text) =>
        Assert.Equal(text, LogValues.MaskPhoneNumbers(text));

    [Fact]
    public void A_missing_duration_is_null_not_nan() => Assert.Null(LogValues.Ms(double.NaN));
}
