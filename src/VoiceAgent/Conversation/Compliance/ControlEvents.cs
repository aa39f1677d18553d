namespace VoiceAgent.Conversation.Compliance;

/// <summary>The caller said nothing for the silence timeout (timer <paramref name="Generation"/>; stale ones are ignored).</summary>
internal sealed record SilenceElapsed(int Generation) : ConversationEvent;

/// <summary>A summary of the first <paramref name="Covered"/> unsummarised turns is ready.</summary>
internal sealed record HistorySummaryReady(string Summary, int Covered) : ConversationEvent;

/// <summary>Summarising failed; the turns stay unsummarised (and drop out of requests that would overflow).</summary>
internal sealed record HistorySummaryFailed(string Reason) : ConversationEvent;

/// <summary>The card payment handler answered (or failed); the capture's digits are already gone.</summary>
internal sealed record PaymentFinished(bool Approved, string Note) : ConversationEvent;
