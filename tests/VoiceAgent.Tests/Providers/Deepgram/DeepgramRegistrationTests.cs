using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VoiceAgent.Providers.Deepgram;
using VoiceAgent.Speech;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Deepgram;

public sealed class DeepgramRegistrationTests : DeepgramEmulatorTestBase
{
    [Fact]
    public async Task AddDeepgramSpeechToTextRegistersAWorkingClient()
    {
        await using var services = new ServiceCollection().AddLogging().AddDeepgramSpeechToText(ClientOptions()).BuildServiceProvider();

        await using var session = await services.GetRequiredService<ISpeechToText>().ConnectAsync(TwilioAudio, TestTimeout).DefaultTimeout();

        Assert.Equal(1, Emulator.ConnectionsAccepted);
        Assert.Same(TimeProvider.System, services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddDeepgramSpeechToTextRejectsInvalidOptionsAtRegistration()
    {
        var services = new ServiceCollection();

        Assert.Throws<OptionsValidationException>(() => services.AddDeepgramSpeechToText(ClientOptions() with { UtteranceEndMs = 999 }));
        Assert.Empty(services);
    }
}
