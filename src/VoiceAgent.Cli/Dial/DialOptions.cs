namespace VoiceAgent.Cli.Dial;

/// <summary>What <c>dial</c> needs, already parsed: the server, the admin token, whom to call, how, with which context.</summary>
internal sealed record DialOptions(Uri ServerUrl, string AdminToken, string To, string? Transport, IReadOnlyDictionary<string, string> Context, bool Wait, TimeSpan WaitLimit);
