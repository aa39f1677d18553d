using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace VoiceAgent.Emulators.Twilio;

/// <summary>
/// Plays Twilio's side of a ConversationRelay call: opens the WebSocket with a signed upgrade (signed over
/// the public <c>wss://</c> URL exactly as Twilio signs it), sends setup/prompt/interrupt/dtmf frames as
/// documented, and checks every frame the server sends against the documented outbound types; an invalid
/// frame is answered with an <c>error</c> message, as Twilio does (error 64107), and the call continues.
/// </summary>
public sealed class ConversationRelayCaller : IAsyncDisposable
{
    private static readonly HashSet<string> OutboundTypes = ["text", "play", "sendDigits", "language", "end"];
    private readonly ClientWebSocket _socket;
    private readonly Channel<RelayServerFrame> _frames = Channel.CreateUnbounded<RelayServerFrame>();
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _receiveLoop;
    private readonly StringBuilder _currentReply = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private int _disposed;

    private ConversationRelayCaller(ClientWebSocket socket)
    {
        _socket = socket;
        _receiveLoop = ReceiveLoopAsync(_cts.Token);
    }

    /// <summary>Frames the server sent that Twilio would reject.</summary>
    public List<string> InvalidFrames { get; } = [];

    /// <summary>True once the server closed the socket.</summary>
    public bool Closed { get; private set; }

    /// <summary>True once the server sent <c>end</c> (Twilio then ends the session and calls the action URL with its hand-off data).</summary>
    public bool EndReceived { get; private set; }

    /// <summary>The <c>handoffData</c> of the server's <c>end</c>, verbatim; null when none was sent.</summary>
    public string? EndHandoffData { get; private set; }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>
    /// Connects to <paramref name="connectUrl"/> (where the server actually listens) signing
    /// <paramref name="signedUrl"/> (the <c>wss://</c> URL from the TwiML, built from the public base URL).
    /// A null <paramref name="authToken"/> sends no signature header.
    /// </summary>
    public static async Task<ConversationRelayCaller> ConnectAsync(Uri connectUrl, string signedUrl, string? authToken, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        if (authToken is not null) socket.Options.SetRequestHeader("X-Twilio-Signature", new TwilioRequestSigner(authToken).SignWebSocketUpgrade(signedUrl));
        try
        {
            await socket.ConnectAsync(connectUrl, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new ConversationRelayCaller(socket);
    }

    public Task SendSetupAsync(string callSid, string accountSid, string from = "+18005550100", string to = "+18005550101",
        IReadOnlyDictionary<string, string>? customParameters = null, string? sessionId = null, CancellationToken cancellationToken = default)
    {
        var setup = new Dictionary<string, object?>
        {
            ["type"] = "setup",
            ["sessionId"] = sessionId ?? "VX" + callSid[2..],
            ["accountSid"] = accountSid,
            ["parentCallSid"] = "",
            ["callSid"] = callSid,
            ["from"] = from,
            ["to"] = to,
            ["forwardedFrom"] = "",
            ["callType"] = "PSTN",
            ["callerName"] = "",
            ["direction"] = "inbound",
            ["callStatus"] = "RINGING",
            ["customParameters"] = customParameters ?? new Dictionary<string, string>(),
        };
        return SendJsonAsync(setup, cancellationToken);
    }

    /// <summary>Sends a caller utterance; returns the Stopwatch timestamp at which it was sent.</summary>
    public async Task<long> SendPromptAsync(string text, bool last = true, string lang = "en-US", CancellationToken cancellationToken = default)
    {
        lock (_currentReply) _currentReply.Clear();
        await SendJsonAsync(new Dictionary<string, object?> { ["type"] = "prompt", ["voicePrompt"] = text, ["lang"] = lang, ["last"] = last }, cancellationToken);
        return Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// Barge-in: tells the server the caller talked over the reply after hearing <paramref name="heard"/>
    /// (default: everything received so far of the current reply).
    /// </summary>
    public Task SendInterruptAsync(string? heard = null, int durationMs = 800, CancellationToken cancellationToken = default)
    {
        string spoken;
        lock (_currentReply) spoken = heard ?? _currentReply.ToString();
        return SendJsonAsync(new Dictionary<string, object?> { ["type"] = "interrupt", ["utteranceUntilInterrupt"] = spoken, ["durationUntilInterruptMs"] = durationMs }, cancellationToken);
    }

    public Task SendDtmfAsync(string digit, CancellationToken cancellationToken = default)
        => SendJsonAsync(new Dictionary<string, object?> { ["type"] = "dtmf", ["digit"] = digit }, cancellationToken);

    public Task SendErrorAsync(string description, CancellationToken cancellationToken = default)
        => SendJsonAsync(new Dictionary<string, object?> { ["type"] = "error", ["description"] = description }, cancellationToken);

    /// <summary>Sends arbitrary bytes as one frame (for malformed-input tests).</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType type, CancellationToken cancellationToken = default)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try { await _socket.SendAsync(payload, type, true, cancellationToken); }
        finally { _sendLock.Release(); }
    }

    /// <summary>The next frame from the server.</summary>
    public async Task<RelayServerFrame> ReadFrameAsync(CancellationToken cancellationToken = default)
        => await _frames.Reader.ReadAsync(cancellationToken);

    /// <summary>Reads text frames until one with <c>last:true</c>; other frame types in between are skipped.</summary>
    public async Task<RelayReply> ReadReplyAsync(long sentAt, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        long first = 0;
        var count = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var frame = await ReadFrameAsync(cancellationToken);
            if (frame.Type != "text") continue;
            if (first == 0) first = frame.ReceivedAt;
            count++;
            text.Append(frame.Token);
            if (frame.Last) return new RelayReply(text.ToString(), sentAt, first, frame.ReceivedAt, count);
        }
        throw new InvalidOperationException("No reply closed with last:true within 100000 frames.");
    }

    /// <summary>Waits until the server closes the socket.</summary>
    public Task WaitForCloseAsync() => _receiveLoop;

    private async Task SendJsonAsync(Dictionary<string, object?> message, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, RelayCallerJsonContext.Default.DictionaryStringObject);
        await SendRawAsync(bytes, WebSocketMessageType.Text, cancellationToken);
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                    length += result.Count;
                } while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Closed = true;
                    if (_socket.State == WebSocketState.CloseReceived)
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    return;
                }
                await OnFrameAsync(Encoding.UTF8.GetString(buffer, 0, length), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            Closed = true;
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }

    private async Task OnFrameAsync(string json, CancellationToken cancellationToken)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        string? type = null;
        string? problem = null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            type = doc.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
            problem = Validate(type, doc.RootElement);
            if (type == "text" && problem is null)
                lock (_currentReply) _currentReply.Append(doc.RootElement.GetProperty("token").GetString());
            if (type == "end" && problem is null)
            {
                EndHandoffData = doc.RootElement.TryGetProperty("handoffData", out var handoff) ? handoff.GetString() : null;
                EndReceived = true;
            }
        }
        catch (JsonException ex)
        {
            problem = "not JSON: " + ex.Message;
        }
        if (problem is not null)
        {
            InvalidFrames.Add(json);
            await SendErrorAsync($"Invalid message received: {json} ({problem})", cancellationToken);
            return;
        }
        _frames.Writer.TryWrite(new RelayServerFrame(type!, json, receivedAt));
    }

    private static string? Validate(string? type, JsonElement root)
    {
        if (type is null || !OutboundTypes.Contains(type)) return $"unknown type '{type}'";
        return type switch
        {
            "text" when !root.TryGetProperty("token", out var token) || token.ValueKind != JsonValueKind.String => "text without a string token",
            "text" when root.TryGetProperty("last", out var last) && last.ValueKind is not (JsonValueKind.True or JsonValueKind.False) => "last is not a boolean",
            "play" when !root.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.String => "play without a source",
            "sendDigits" when !root.TryGetProperty("digits", out var digits) || digits.ValueKind != JsonValueKind.String => "sendDigits without digits",
            "end" when root.TryGetProperty("handoffData", out var handoff) && handoff.ValueKind != JsonValueKind.String => "handoffData must be a string",
            _ => null,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try { await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "caller hung up", timeout.Token); }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException) { }
            try { await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(2)); } catch (TimeoutException) { }
        }
        await _cts.CancelAsync();
        try { await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(2)); } catch (TimeoutException) { }
        _socket.Dispose();
        _cts.Dispose();
        _sendLock.Dispose();
    }
}
