using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Emulators.ChatScript;
using VoiceAgent.Emulators.Twilio.Rest;
using VoiceAgent.Storage.Recordings;
using VoiceAgent.Tests.Storage;
using VoiceAgent.Tests.TestSupport;
using static VoiceAgent.Tests.Storage.RecordsTestSupport;

namespace VoiceAgent.Tests.EndToEnd.Compliance;

/// <summary>
/// The queue of recordings waiting to be fetched from Twilio lives in the records database: a call ends, its
/// recording is still processing at Twilio, the server stops; the next server on the same records database fetches
/// it, stores it sealed and removes Twilio's copy, once. Real sockets throughout (ConversationRelay caller, Twilio
/// REST emulator), on SQLite and PostgreSQL.
/// </summary>
public sealed class RecordingQueueRestartTests : IAsyncLifetime
{
    private TwilioRestEmulator _rest = null!;

    public async Task InitializeAsync()
    {
        _rest = new TwilioRestEmulator(RelayServer.AccountSid, RelayServer.AuthToken);
        await _rest.StartAsync().DefaultTimeout();
    }

    public async Task DisposeAsync() => await _rest.DisposeAsync();

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task A_recording_still_processing_when_the_server_stops_is_fetched_after_the_restart_and_stored_encrypted_once(string kind)
    {
        await using var backend = await RecordsBackend.CreateAsync(kind);
        var settings = backend.ServerSettings();
        settings["RECORDING_ENABLED"] = "true";
        settings["TWILIO_API_BASE_URL"] = _rest.BaseUrl.ToString().TrimEnd('/');
        _rest.Recordings.HoldProcessing = true;

        string recordingSid;
        await using (var first = await RelayServer.StartAsync(settings))
        {
            // The agent ends the call (end_call): a normal end whatever the socket's close looks like on a loaded machine.
            first.Model.Enqueue(ChatReply.Text("Goodbye. ") with { ToolCalls = [new ChatToolCallScript("end_call", "{}")] });
            var (caller, _) = await DialAsync(first);
            await using (caller)
            {
                recordingSid = (await _rest.Recordings.NextEventAsync().DefaultTimeout()).RecordingSid; // started before the call is ended
                await caller.SendPromptAsync("That's all, thanks.").DefaultTimeout();
                await caller.NextOfTypeAsync("end");
            }
            // Queued durably, and tried at least once while Twilio still reports it processing.
            await WaitUntilAsync(async () => await QueueStateAsync(backend, recordingSid) is { Attempts: > 0 } && _rest.Recordings.StatusReads > 0,
                "the first server to queue the recording and find it still processing");
        }
        Assert.Equal("queued", (await QueueStateAsync(backend, recordingSid))?.State);
        Assert.DoesNotContain(_rest.Recordings.Events, e => e.Status == "deleted");
        Assert.False(File.Exists(Path.Combine(backend.DataDir, "recordings", RecordingNames.Audio(recordingSid))));

        _rest.Recordings.HoldProcessing = false; // Twilio finished processing while no server ran
        await using var second = await RelayServer.StartAsync(settings);
        var archive = second.App.Services.GetRequiredService<RecordingArchive>();
        var stored = await archive.Stored.ReadAsync().AsTask().DefaultTimeout(TimeSpan.FromSeconds(60));
        Assert.Equal(recordingSid, stored);

        var wav = await archive.OpenAsync(stored, CancellationToken.None).DefaultTimeout();
        Assert.Equal("RIFF"u8.ToArray(), wav[..4]);
        var onDisk = await File.ReadAllBytesAsync(Path.Combine(backend.DataDir, "recordings", RecordingNames.Audio(recordingSid)));
        Assert.NotEqual("RIFF"u8.ToArray(), onDisk[..4]); // sealed, never the plain WAV
        Assert.True(onDisk.AsSpan().IndexOf(wav.AsSpan(0, 44)) < 0, "the stored file holds the plaintext WAV header");
        Assert.Equal("stored", (await QueueStateAsync(backend, recordingSid))?.State);
        Assert.Single(_rest.Recordings.Events, e => e.Status == "deleted" && e.RecordingSid == recordingSid);
    }

    private static async Task<(string State, int Attempts)?> QueueStateAsync(RecordsBackend backend, string recordingSid)
    {
        await using var store = backend.OpenStore();
        try
        {
            return await new SqlRecordingQueue(store.Dialect).GetStateAsync(recordingSid, CancellationToken.None);
        }
        catch (System.Data.Common.DbException)
        {
            return null; // not migrated yet
        }
    }
}
