namespace VoiceAgent.Speech.Pipeline;

/// <summary>
/// One thing for <see cref="Playout"/> to send: a 20 ms frame or a mark, tagged with the clear-generation it was queued
/// in. <paramref name="ReplyId"/> is <see cref="Playout.ToneReplyId"/> for keypad tones.
/// </summary>
internal readonly record struct PlayoutItem(int Generation, byte[]? Frame, string? Mark, int ReplyId)
{
    public bool IsTone => ReplyId == Playout.ToneReplyId;
}
