using Microsoft.Extensions.AI;

namespace VoiceAgent.Providers.Anthropic;

/// <summary>
/// Passes calls through to the SDK's chat client and disposes what it was built on (the SDK's adapter disposes
/// neither the SDK client nor the HTTP client).
/// </summary>
internal sealed class OwningChatClient(IChatClient inner, params IDisposable[] owned) : DelegatingChatClient(inner)
{
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (var resource in owned) resource.Dispose();
        base.Dispose(disposing);
    }
}
