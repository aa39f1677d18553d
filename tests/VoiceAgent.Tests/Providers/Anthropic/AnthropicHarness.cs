using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Providers.Anthropic;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Anthropic;

/// <summary>A started <see cref="AnthropicEmulator"/> and an SDK-backed <see cref="IChatClient"/> pointed at it.</summary>
internal sealed class AnthropicHarness : IAsyncDisposable
{
    public const string ApiKey = "sk-ant-emulator";

    private AnthropicHarness(AnthropicEmulator emulator, IChatClient client)
    {
        Emulator = emulator;
        Client = client;
    }

    public AnthropicEmulator Emulator { get; }
    public IChatClient Client { get; }

    public static async Task<AnthropicHarness> StartAsync(ChatEmulatorOptions? emulatorOptions = null, Func<AnthropicModelOptions, AnthropicModelOptions>? configure = null)
    {
        var emulator = new AnthropicEmulator(emulatorOptions ?? new ChatEmulatorOptions { ApiKey = ApiKey });
        await emulator.StartAsync().DefaultTimeout();
        var options = new AnthropicModelOptions { ApiKey = ApiKey, BaseUrl = emulator.BaseUrl };
        if (configure is not null) options = configure(options);
        return new AnthropicHarness(emulator, AnthropicChatClientFactory.Create(options));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync();
    }
}
