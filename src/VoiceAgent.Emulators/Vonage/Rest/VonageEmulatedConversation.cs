namespace VoiceAgent.Emulators.Vonage.Rest;

/// <summary>A leg in a named conversation: whether it started the conversation on entering, the hold music it waits with, what it heard before joining.</summary>
public sealed record VonageConversationMember(string Uuid, bool StartOnEnter, bool EndOnExit, IReadOnlyList<string> MusicOnHoldUrl, string HeardBeforeJoining);

/// <summary>A named conversation: <c>waiting</c> (members hear hold music) until a member with <c>startOnEnter</c> is in it, then <c>started</c>.</summary>
public sealed class VonageEmulatedConversation(string name)
{
    private readonly Lock _lock = new();
    private readonly List<VonageConversationMember> _members = [];

    public string Name => name;

    public IReadOnlyList<VonageConversationMember> Members { get { lock (_lock) return [.. _members]; } }

    public string Status { get { lock (_lock) return _members.Any(m => m.StartOnEnter) ? "started" : "waiting"; } }

    internal void Join(VonageConversationMember member) { lock (_lock) _members.Add(member); }

    internal void Leave(string uuid) { lock (_lock) _members.RemoveAll(m => m.Uuid == uuid); }
}

/// <summary>One event the emulator posted to a leg's event URL, and the HTTP status the server answered (0: unreachable).</summary>
public sealed record VonagePostedEvent(string Uuid, string Status, int AnsweredStatus);

/// <summary>One accepted <c>PUT /v1/calls/{uuid}</c>: the leg, the action, and for a transfer the NCCO (JSON array).</summary>
public sealed record VonageCallUpdate(string Uuid, string Action, string? Ncco);

/// <summary>One accepted <c>POST /v1/calls</c>: the new leg, who it dials, the caller id, its NCCO and event URL.</summary>
public sealed record VonageCreatedCall(string Uuid, string To, string From, string Ncco, string EventUrl, int RingingTimer);
