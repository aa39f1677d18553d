using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.AI;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Hosting;
using VoiceAgent.Emulators.OpenAI;
using VoiceAgent.Tests.Providers;

namespace VoiceAgent.Tests.TestSupport.Emulators;

/// <summary>
/// The shared arrange of the model-emulator tests: a started emulator, a raw request whose answer is read as it went on
/// the wire (body buffered), and one streamed turn (or one cancelled mid-stream) through a real client.
/// </summary>
internal static class EmulatorRequests
{
    /// <summary>Starts <paramref name="emulator"/> on a free loopback port; disposes it if the start fails.</summary>
    public static async Task<T> StartedAsync<T>(T emulator) where T : EmulatorHost
    {
        try
        {
            await emulator.StartAsync().DefaultTimeout();
            return emulator;
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>Posts <paramref name="json"/> to the Messages API of an Anthropic emulator, with the headers given (null leaves one out).</summary>
    public static Task<HttpResponseMessage> PostMessagesAsync(AnthropicEmulator emulator, string json, string? apiKey = "key",
        string? version = AnthropicEmulator.ApiVersion, string? bearer = null)
        => PostAsync(new Uri(emulator.BaseUrl, "/v1/messages"), json, headers =>
        {
            if (apiKey is not null) headers.Add("x-api-key", apiKey);
            if (version is not null) headers.Add("anthropic-version", version);
            if (bearer is not null) headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        });

    /// <summary>Posts <paramref name="json"/> to the Chat Completions API of an OpenAI emulator (null bearer: no Authorization).</summary>
    public static Task<HttpResponseMessage> PostChatCompletionsAsync(OpenAIEmulator emulator, string json, string? bearer = "key")
        => PostAsync(new Uri(emulator.BaseUrl, "/v1/chat/completions"), json, headers =>
        {
            if (bearer is not null) headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        });

    /// <summary>
    /// Streams one user turn ("Hi") through <paramref name="client"/> to <paramref name="emulator"/>; returns the reply's
    /// text and the HTTP protocol the emulator received the request over.
    /// </summary>
    public static async Task<(string Text, string Protocol)> AskOnceAsync(IChatClient client, ChatEmulatorHost emulator)
    {
        var before = emulator.Requests.Count;
        var updates = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).CollectAsync().DefaultTimeout();
        var request = await emulator.Requests.WhenReceived(before).DefaultTimeout();
        return (updates.JoinText(), request.Protocol);
    }

    /// <summary>
    /// Has <paramref name="emulator"/> stall the next reply after one delta and queues <paramref name="next"/> after it;
    /// then streams a turn through <paramref name="client"/>, cancels it after its first text, and returns once the
    /// emulator saw that request aborted.
    /// </summary>
    public static async Task CancelOneStreamAsync(IChatClient client, ChatEmulatorHost emulator, ChatReply next)
    {
        var index = emulator.Requests.Count;
        emulator.EnqueueFault(ChatFault.Stall(afterDeltas: 1));
        emulator.Enqueue(next);
        using (var cts = new CancellationTokenSource())
        {
            await using var stream = client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
            await stream.NextTextAsync().DefaultTimeout();
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.NextTextAsync().DefaultTimeout());
        }
        await emulator.Requests.WhenAborted(index).DefaultTimeout();
    }

    private static async Task<HttpResponseMessage> PostAsync(Uri url, string json, Action<HttpRequestHeaders> headers)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        headers(request.Headers);
        var response = await http.SendAsync(request).DefaultTimeout();
        try
        {
            await response.Content.LoadIntoBufferAsync().DefaultTimeout(); // the whole wire text, before the client goes
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
