using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.OpenAI;
using VoiceAgent.Providers.OpenAI;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.OpenAI;

/// <summary>A started <see cref="OpenAIEmulator"/> and the SDK-backed <see cref="IChatClient"/> pointed at it.</summary>
internal sealed class OpenAIHarness : IAsyncDisposable
{
    public const string ApiKey = "sk-openai-emulator";

    private OpenAIHarness(OpenAIEmulator emulator, IChatClient client)
    {
        Emulator = emulator;
        Client = client;
    }

    public OpenAIEmulator Emulator { get; }
    public IChatClient Client { get; }

    public static async Task<OpenAIHarness> StartAsync(ChatEmulatorOptions? emulatorOptions = null, Func<OpenAIModelOptions, OpenAIModelOptions>? configure = null)
    {
        var emulator = new OpenAIEmulator(emulatorOptions ?? new ChatEmulatorOptions { ApiKey = ApiKey });
        await emulator.StartAsync().DefaultTimeout();
        var options = new OpenAIModelOptions { ApiKey = ApiKey, BaseUrl = emulator.ApiBaseUrl };
        if (configure is not null) options = configure(options);
        return new OpenAIHarness(emulator, OpenAIChatClientFactory.Create(options));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync();
    }
}
