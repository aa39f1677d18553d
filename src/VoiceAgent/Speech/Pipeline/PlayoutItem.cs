namespace VoiceAgent.Speech.Pipeline;

/// <summary>One thing for the playout loop: a 20 ms frame or a mark, tagged with the clear-generation it belongs to.</summary>
internal readonly record struct PlayoutItem(int Generation, byte[]? Frame, string? Mark, int ReplyId);
