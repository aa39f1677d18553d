using System.Net.Http.Headers;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Storage.Records;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Storage;

/// <summary>Real relay calls against a records-backed server, and waits on what they leave behind.</summary>
internal static class RecordsTestSupport
{
    public const string AdminToken = "test-admin-token-0123456789abcdef";

    /// <summary>Connects a signed ConversationRelay call from <paramref name="from"/>; returns the caller and its call SID.</summary>
    public static async Task<(ConversationRelayCaller Caller, string CallSid)> DialAsync(RelayServer server, string from = "+18005550100")
    {
        var callSid = RelayServer.NewCallSid();
        var caller = await ConversationRelayCaller.ConnectAsync(server.SocketUrl, RelayServer.SignedSocketUrl, RelayServer.AuthToken, CancellationToken.None).DefaultTimeout();
        await caller.SendSetupAsync(callSid, RelayServer.AccountSid, from: from).DefaultTimeout();
        return (caller, callSid);
    }

    /// <summary>One complete call: says <paramref name="utterance"/>, hears the reply, hangs up. Returns the call SID.</summary>
    public static async Task<string> CallAndHangUpAsync(RelayServer server, string utterance, string from = "+18005550100")
    {
        var (caller, callSid) = await DialAsync(server, from);
        await using (caller) await caller.AskAsync(utterance);
        return callSid;
    }

    /// <summary>Waits (bounded; the timeout only guards against a hang) until the call's transcript row exists.</summary>
    public static async Task<StoredTranscript> WaitForTranscriptAsync(RecordsBackend backend, string callSid, int seconds = 30)
    {
        await using var store = backend.OpenStore();
        for (var i = 0; i < seconds * 20; i++)
        {
            try
            {
                if (await store.GetTranscriptAsync(callSid, CancellationToken.None) is { } row) return row;
            }
            catch (System.Data.Common.DbException) { } // schema not migrated yet
            await Task.Delay(50);
        }
        throw new TimeoutException($"No transcript row for {callSid} after {seconds} s.");
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 30)
        => WaitUntilAsync(() => Task.FromResult(condition()), what, seconds);

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        for (var i = 0; i < seconds * 20; i++)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Still waiting after {seconds} s for: {what}");
    }

    public static HttpClient Admin(RelayServer server, string? token = AdminToken)
    {
        var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>
    /// Every file under <paramref name="directory"/> that contains <paramref name="text"/> (as UTF-8). The server may still
    /// be writing (a record is written to a <c>.tmp</c> file, then renamed): a file that vanishes between listing and reading
    /// makes the listing stale, so the whole scan starts again (bounded), never skipping a file that exists.
    /// </summary>
    public static IReadOnlyList<string> FilesContaining(string directory, string text)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(text);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
                    .Where(f => File.ReadAllBytes(f).AsSpan().IndexOf(needle) >= 0).ToList();
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException && attempt < 50)
            {
                // Renamed or removed while we read: list again.
            }
        }
    }
}
