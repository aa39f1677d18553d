using Microsoft.Extensions.AI;

namespace VoiceAgent.Tests.Providers;

/// <summary>Bounded helpers for consuming a chat stream in tests (combine with <c>.DefaultTimeout()</c>).</summary>
internal static class StreamTestExtensions
{
    /// <summary>Reads the whole stream.</summary>
    public static async Task<List<ChatResponseUpdate>> CollectAsync(this IAsyncEnumerable<ChatResponseUpdate> stream, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in stream.WithCancellation(cancellationToken)) updates.Add(update);
        return updates;
    }

    /// <summary>Advances to the next update that carries text and returns that text; null at the end of the stream.</summary>
    public static async Task<string?> NextTextAsync(this IAsyncEnumerator<ChatResponseUpdate> stream)
    {
        while (await stream.MoveNextAsync())
            if (stream.Current.Text.Length > 0) return stream.Current.Text;
        return null;
    }

    /// <summary>The concatenated text of the updates.</summary>
    public static string JoinText(this IEnumerable<ChatResponseUpdate> updates) => string.Concat(updates.Select(u => u.Text));

    /// <summary>The texts of the updates that carry text, one entry per update.</summary>
    public static List<string> TextDeltas(this IEnumerable<ChatResponseUpdate> updates) => updates.Where(u => u.Text.Length > 0).Select(u => u.Text).ToList();
}
