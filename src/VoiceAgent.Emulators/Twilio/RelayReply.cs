namespace VoiceAgent.Emulators.Twilio;

/// <summary>One talk cycle as the emulated caller received it: text and caller-side timings.</summary>
/// <param name="SentAt">When the caller sent the prompt (Stopwatch ticks).</param>
/// <param name="FirstTokenAt">First <c>text</c> frame received.</param>
/// <param name="LastTokenAt">The <c>last:true</c> frame received.</param>
public sealed record RelayReply(string Text, long SentAt, long FirstTokenAt, long LastTokenAt, int TokenCount)
{
    public double FirstTokenMs => System.Diagnostics.Stopwatch.GetElapsedTime(SentAt, FirstTokenAt).TotalMilliseconds;
    public double LastTokenMs => System.Diagnostics.Stopwatch.GetElapsedTime(SentAt, LastTokenAt).TotalMilliseconds;
}
