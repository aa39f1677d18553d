using System.Threading.Channels;
using VoiceAgent.Conversation;

namespace VoiceAgent.Tests.TestSupport;

/// <summary>Collects the commands the engine sends, so tests can await them in order.</summary>
public sealed class RecordingTransport : ICallTransport
{
    public const CallCapabilities AllCapabilities = CallCapabilities.SwitchLanguage | CallCapabilities.SendDigits | CallCapabilities.PlayAudio;
    private readonly Channel<TransportCommand> _sent = Channel.CreateUnbounded<TransportCommand>();

    /// <summary>What this transport declares it carries out (default: every command).</summary>
    public CallCapabilities Capabilities { get; init; } = AllCapabilities;

    /// <summary>Runs after a command is recorded, before the send completes (e.g. to hold a send open); null: none.</summary>
    public Func<TransportCommand, CancellationToken, Task>? AfterRecord { get; init; }

    public async ValueTask SendAsync(TransportCommand command, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _sent.Writer.TryWrite(command);
        if (AfterRecord is not null) await AfterRecord(command, cancellationToken);
    }

    public async Task<TransportCommand> NextAsync() => await _sent.Reader.ReadAsync().AsTask().DefaultTimeout();

    public async Task<T> NextAsync<T>() where T : TransportCommand
    {
        var next = await NextAsync();
        return Assert.IsType<T>(next);
    }

    /// <summary>
    /// Reads commands until a reply's closing token; returns the reply's text. Tokens of <paramref name="skippingReply"/>
    /// (e.g. a reply that was cut while more of its tokens were already on their way) are passed over.
    /// </summary>
    public async Task<string> NextReplyAsync(int? skippingReply = null)
    {
        var text = new System.Text.StringBuilder();
        while (true)
        {
            var token = await NextAsync<SpeakToken>();
            if (token.ReplyId == skippingReply) continue;
            text.Append(token.Token);
            if (token.Last) return text.ToString();
        }
    }

    public bool TryRead(out TransportCommand? command) => _sent.Reader.TryRead(out command);
}
