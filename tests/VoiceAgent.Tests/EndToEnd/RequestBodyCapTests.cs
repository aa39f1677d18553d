using System.Net;
using System.Text;
using VoiceAgent.Emulators.Twilio;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.EndToEnd;

/// <summary>Webhook bodies are capped (64 KiB by default): an oversized one is answered 413 and never buffered.</summary>
public sealed class RequestBodyCapTests : IAsyncLifetime
{
    private const int OneMegabyte = 1024 * 1024;
    private RelayServer _server = null!;

    public async Task InitializeAsync() => _server = await RelayServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A validly signed incoming-call form padded with a 1 MB field.</summary>
    private static (string Head, byte[] Body) SignedOversizedForm(bool chunked)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("AccountSid", RelayServer.AccountSid), new("CallSid", RelayServer.NewCallSid()),
            new("From", "+15555550100"), new("To", "+15555550199"), new("Padding", new string('x', OneMegabyte)),
        };
        var signature = new TwilioRequestSigner(RelayServer.AuthToken).Sign(RelayServer.PublicBaseUrl + "/twiml/relay", form);
        var encoded = Encoding.ASCII.GetBytes(string.Join('&', form.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value))));
        var head = $"POST /twiml/relay HTTP/1.1\r\nHost: voice.example.com\r\nContent-Type: application/x-www-form-urlencoded\r\n{TwilioRequestSigner.HeaderName}: {signature}\r\n"
            + (chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {encoded.Length}\r\n");
        return (head, chunked ? Chunk(encoded) : encoded);
    }

    private static byte[] Chunk(byte[] body)
    {
        using var chunks = new MemoryStream();
        const int Size = 16 * 1024;
        for (var offset = 0; offset < body.Length; offset += Size)
        {
            var length = Math.Min(Size, body.Length - offset);
            chunks.Write(Encoding.ASCII.GetBytes($"{length:x}\r\n"));
            chunks.Write(body, offset, length);
            chunks.Write("\r\n"u8);
        }
        chunks.Write("0\r\n\r\n"u8);
        return chunks.ToArray();
    }

    [Fact]
    public async Task A_signed_1_MB_webhook_announcing_its_length_is_answered_413_before_its_body_is_sent()
    {
        var (head, _) = SignedOversizedForm(chunked: false);
        var status = await RawHttpClient.SendAsync(_server.Address, head, ReadOnlyMemory<byte>.Empty, CancellationToken.None).DefaultTimeout();
        Assert.Equal(413, status);
    }

    [Fact]
    public async Task A_signed_1_MB_chunked_webhook_is_cut_at_the_cap_with_413()
    {
        var (head, body) = SignedOversizedForm(chunked: true);
        var status = await RawHttpClient.SendAsync(_server.Address, head, body, CancellationToken.None).DefaultTimeout();
        Assert.Equal(413, status);
    }

    [Fact]
    public async Task A_normal_signed_webhook_is_still_answered_200()
    {
        using var http = new HttpClient();
        using var request = new TwilioRequestSigner(RelayServer.AuthToken).CreateFormPost(new Uri(_server.Address, "/twiml/relay"), RelayServer.PublicBaseUrl + "/twiml/relay",
            [new("AccountSid", RelayServer.AccountSid), new("CallSid", RelayServer.NewCallSid()), new("From", "+15555550100"), new("To", "+15555550199")]);
        using var response = await http.SendAsync(request).DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_cap_is_configurable()
    {
        await using var server = await RelayServer.StartAsync(new Dictionary<string, string?> { ["MAX_REQUEST_BODY_BYTES"] = "2048" });
        var head = "POST /twiml/relay HTTP/1.1\r\nHost: voice.example.com\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 4096\r\n";
        var status = await RawHttpClient.SendAsync(server.Address, head, ReadOnlyMemory<byte>.Empty, CancellationToken.None).DefaultTimeout();
        Assert.Equal(413, status);
    }
}
