using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using VoiceAgent.Cli.Bench;
using VoiceAgent.Tests.TestSupport.Processes;
using VoiceAgent.Emulators.Anthropic;
using VoiceAgent.Emulators.Deepgram;
using VoiceAgent.Emulators.ElevenLabs;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Emulators.Twilio.MediaStreams;

namespace VoiceAgent.Tests.TestSupport;

/// <summary>
/// The real server program (VoiceAgent.Server.dll, its own Program and logging set-up) in a child process with
/// LOG_FORMAT=json, its standard output going to a file, against an Anthropic emulator in the test process.
/// </summary>
public sealed class JsonLogServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDir;
    private readonly List<IAsyncDisposable> _emulators;

    private JsonLogServer(Process process, AnthropicEmulator model, List<IAsyncDisposable> emulators, string dataDir, string logPath, Uri address)
    {
        _process = process;
        Model = model;
        _emulators = emulators;
        _dataDir = dataDir;
        LogPath = logPath;
        Address = address;
    }

    public AnthropicEmulator Model { get; }
    /// <summary>The STT emulator (audio servers only).</summary>
    public DeepgramEmulator? Stt { get; private init; }
    public string LogPath { get; }
    public Uri Address { get; }

    /// <param name="callSessionLevel">Log level of the VoiceAgent categories (Debug shows the per-hop events).</param>
    /// <param name="audio">Also serve the audio transports, with Deepgram and ElevenLabs emulators in the test process.</param>
    public static async Task<JsonLogServer> StartAsync(string callSessionLevel = "Information", bool audio = false)
    {
        var model = new AnthropicEmulator(new() { ApiKey = "test-key", InterTokenDelay = TimeSpan.FromMilliseconds(1) });
        var emulators = new List<IAsyncDisposable>();
        try
        {
            return await StartAsync(model, emulators, callSessionLevel, audio);
        }
        catch
        {
            // The emulators that started go with the failure (the server process and its folder are gone by then).
            await model.DisposeAsync();
            foreach (var emulator in emulators) await emulator.DisposeAsync();
            throw;
        }
    }

    private static async Task<JsonLogServer> StartAsync(AnthropicEmulator model, List<IAsyncDisposable> emulators, string callSessionLevel, bool audio)
    {
        await model.StartAsync().DefaultTimeout();
        DeepgramEmulator? stt = null;
        ElevenLabsEmulator? tts = null;
        if (audio)
        {
            stt = new DeepgramEmulator("dg-test-key");
            emulators.Add(stt);
            await stt.StartAsync().DefaultTimeout();
            tts = new ElevenLabsEmulator(new ElevenLabsEmulatorBehavior { ApiKey = "el-test-key" });
            emulators.Add(tts);
            await tts.StartAsync().DefaultTimeout();
        }
        var dataDir = Directory.CreateTempSubdirectory("voiceagent-jsonlog-").FullName;
        var logPath = Path.Combine(dataDir, "server.log");
        var port = ServerProcess.FreePort();
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        // exec: the shell becomes the server, so killing the process ends the server; stdout goes to the file.
        foreach (var arg in new[] { "-c", "exec dotnet \"$0\" > \"$1\" 2>&1", Path.Combine(AppContext.BaseDirectory, "VoiceAgent.Server.dll"), logPath })
            start.ArgumentList.Add(arg);
        var env = start.Environment;
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        env["PUBLIC_BASE_URL"] = RelayServer.PublicBaseUrl;
        env["TWILIO_AUTH_TOKEN"] = RelayServer.AuthToken;
        env["TWILIO_ACCOUNT_SID"] = RelayServer.AccountSid;
        env["DATA_DIR"] = dataDir;
        env["ANTHROPIC_API_KEY"] = "test-key";
        env["ANTHROPIC_BASE_URL"] = model.BaseUrl.ToString().TrimEnd('/');
        env["MODEL_FIRST_TOKEN_TIMEOUT_MS"] = RelayServer.LongTimeoutMs;
        env["MODEL_STALL_TIMEOUT_MS"] = RelayServer.LongTimeoutMs;
        env["SILENCE_TIMEOUT_MS"] = "0";
        if (stt is not null && tts is not null)
        {
            env["DEEPGRAM_API_KEY"] = "dg-test-key";
            env["DEEPGRAM_BASE_URL"] = stt.WebSocketBaseUrl.ToString().TrimEnd('/');
            env["ELEVENLABS_API_KEY"] = "el-test-key";
            env["ELEVENLABS_BASE_URL"] = tts.WebSocketBaseUrl.ToString().TrimEnd('/');
            env["WELCOME_GREETING"] = "";
        }
        env["LOG_FORMAT"] = "json";
        env["Logging__LogLevel__Default"] = "Information";
        // No dots in the name: the shell would not pass such a variable on.
        env["Logging__LogLevel__VoiceAgent"] = callSessionLevel;
        Process? process = null;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server");
            var server = new JsonLogServer(process, model, emulators, dataDir, logPath, new Uri($"http://127.0.0.1:{port}")) { Stt = stt };
            await ServerHealth.WaitHealthyAsync(process, server.Address, async () => File.Exists(logPath) ? await File.ReadAllTextAsync(logPath) : "",
                ServerProcess.HealthyWithin, TimeProvider.System, CancellationToken.None);
            return server;
        }
        catch
        {
            if (process is not null) await StopAsync(process);
            Directory.Delete(dataDir, recursive: true);
            throw;
        }
    }

    /// <summary>Opens a signed ConversationRelay call from <paramref name="from"/> and sends <c>setup</c>.</summary>
    public async Task<ConversationRelayCaller> CallAsync(string callSid, string from = "+18005550100")
    {
        var socket = new Uri($"ws://{Address.Authority}/ws/relay");
        var caller = await ConversationRelayCaller.ConnectAsync(socket, RelayServer.SignedSocketUrl, RelayServer.AuthToken, CancellationToken.None).DefaultTimeout();
        await caller.SendSetupAsync(callSid, RelayServer.AccountSid, from: from).DefaultTimeout();
        return caller;
    }

    /// <summary>Opens a signed Media Streams call.</summary>
    public async Task<MediaStreamsCaller> CallMediaAsync()
        => await MediaStreamsCaller.ConnectAsync(new Uri($"ws://{Address.Authority}/ws/media"), AudioServer.SignedMediaUrl, RelayServer.AuthToken,
            new MediaStreamsCallerOptions { AccountSid = RelayServer.AccountSid }, CancellationToken.None).DefaultTimeout();

    /// <summary>The log's lines once it holds <paramref name="count"/> lines containing <paramref name="marker"/> (30 s hang guard).</summary>
    public async Task<string[]> WaitForLinesAsync(string marker, int count)
    {
        for (var i = 0; i < 300; i++)
        {
            var lines = await ReadLinesAsync();
            if (lines.Count(l => l.Contains(marker, StringComparison.Ordinal)) >= count) return lines;
            await Task.Delay(100);
        }
        throw new TimeoutException($"the log never held {count} lines with {marker}:\n" + string.Join('\n', await ReadLinesAsync()));
    }

    private async Task<string[]> ReadLinesAsync()
    {
        await using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync();
        // Only complete lines: the last one may still be being written.
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().DefaultTimeout();
        }
        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(_process);
        await Model.DisposeAsync();
        foreach (var emulator in _emulators) await emulator.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }
}
