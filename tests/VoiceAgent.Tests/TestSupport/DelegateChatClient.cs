using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace VoiceAgent.Tests.TestSupport;

/// <summary>A lambda-backed model for engine unit tests; emulators cover the wire.</summary>
public sealed class DelegateChatClient(Func<IReadOnlyList<ChatMessage>, CancellationToken, IAsyncEnumerable<string>> reply) : IChatClient
{
    public List<IReadOnlyList<ChatMessage>> Requests { get; } = [];

    public static DelegateChatClient Replying(params string[] tokens) => new((_, ct) => Tokens(tokens, TimeSpan.Zero, ct));

    public static async IAsyncEnumerable<string> Tokens(IEnumerable<string> tokens, TimeSpan delay, [EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var token in tokens)
        {
            if (delay > TimeSpan.Zero) await Task.Delay(delay, ct);
            ct.ThrowIfCancellationRequested();
            yield return token;
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var snapshot = messages.Select(m => new ChatMessage(m.Role, m.Text)).ToList();
        lock (Requests) Requests.Add(snapshot);
        await foreach (var token in reply(snapshot, cancellationToken).WithCancellation(cancellationToken))
            yield return new ChatResponseUpdate(ChatRole.Assistant, token);
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("The engine only streams.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;
    public void Dispose() { }
}
