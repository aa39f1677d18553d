using VoiceAgent.Hosting;
using VoiceAgent.Server;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Hosting;

/// <summary>The server refuses to start on a malformed setting, listing every one with its fix instead of a FormatException.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public async Task Malformed_settings_stop_start_up_with_every_error_listed()
    {
        var ex = await Assert.ThrowsAsync<InvalidSettingsException>(() => VoiceAgentServer.BuildAsync([], new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["HISTORY_TURNS"] = "ten",
            ["MODEL_STALL_TIMEOUT_MS"] = "3.5",
            ["DEEPGRAM_VAD_EVENTS"] = "on",
            ["RELAY_INTERRUPTIBLE"] = "whenever",
            ["PUBLIC_BASE_URL"] = "voice.example.com",
            ["ELEVENLABS_STABILITY"] = "half",
        }).DefaultTimeout());

        Assert.Equal(6, ex.Errors.Count);
        foreach (var key in new[] { "HISTORY_TURNS", "MODEL_STALL_TIMEOUT_MS", "DEEPGRAM_VAD_EVENTS", "RELAY_INTERRUPTIBLE", "PUBLIC_BASE_URL", "ELEVENLABS_STABILITY" })
            Assert.Contains(ex.Errors, e => e.Contains(key, StringComparison.Ordinal));
        Assert.DoesNotContain("FormatException", ex.Message, StringComparison.Ordinal);
    }
}
