using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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
        await model.StartAsync().DefaultTimeout();
        var emulators = new List<IAsyncDisposable>();
        DeepgramEmulator? stt = null;
        ElevenLabsEmulator? tts = null;
        if (audio)
        {
            stt = new DeepgramEmulator("dg-test-key");
            await stt.StartAsync().DefaultTimeout();
            emulators.Add(stt);
            tts = new ElevenLabsEmulator(new ElevenLabsEmulatorBehavior { ApiKey = "el-test-key" });
            await tts.StartAsync().DefaultTimeout();
            emulators.Add(tts);
        }
        var dataDir = Directory.CreateTempSubdirectory("voiceagent-jsonlog-").FullName;
        var logPath = Path.Combine(dataDir, "server.log");
        var port = FreePort();
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
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server");
        var server = new JsonLogServer(process, model, emulators, dataDir, logPath, new Uri($"http://127.0.0.1:{port}")) { Stt = stt };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var started = Stopwatch.StartNew();
        for (var i = 0; i < 3000 && started.Elapsed < ServerProcess.HealthyWithin; i++)
        {
            if (process.HasExited) break;
            try
            {
                using var response = await http.GetAsync(new Uri(server.Address, "/healthz"));
                if (response.IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        var log = File.Exists(logPath) ? await File.ReadAllTextAsync(logPath) : "";
        await server.DisposeAsync();
        throw new InvalidOperationException($"the server process did not become healthy within {ServerProcess.HealthyWithin.TotalSeconds:F0} s:\n" + log);
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().DefaultTimeout();
        }
        _process.Dispose();
        await Model.DisposeAsync();
        foreach (var emulator in _emulators) await emulator.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }
}
