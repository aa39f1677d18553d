using VoiceAgent.Telephony.Twilio.Transfer;

namespace VoiceAgent.Telephony.Twilio.Rest;

/// <summary>
/// Hands an audio-path call to a person. ConversationRelay does this through <c>handoffData</c> and the
/// <c>&lt;Connect action&gt;</c> callback; a media stream has no such channel, so the live call is moved into the warm
/// transfer over REST (<see cref="WarmTransfer.RedirectLiveCallAsync"/>). Returns false when the hand-off data does not
/// ask for a person or the call could not be moved, so the caller of this closes the stream instead (and Twilio's
/// <c>&lt;Redirect&gt;</c> after the stream then offers voicemail).
/// </summary>
internal sealed class CallHandoff(WarmTransfer transfer)
{
    public async Task<bool> TryTransferAsync(string callSid, string? dialledNumber, string? handoffData, CancellationToken cancellationToken)
    {
        if (TransferBrief.FromHandoffData(handoffData) is not { } brief) return false;
        return await transfer.RedirectLiveCallAsync(callSid, dialledNumber, brief, cancellationToken);
    }
}
