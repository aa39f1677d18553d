namespace VoiceAgent.Emulators.Twilio.MediaStreams;

// Twilio → server frames, field for field as in protocols/twilio-media-streams.md §2 (camelCase names, counters
// as strings). Declaration order matches the documented examples.

/// <summary><c>{"event":"connected","protocol":"Call","version":"1.0.0"}</c></summary>
internal sealed record ConnectedMessage(string Event, string Protocol, string Version);

/// <summary>The <c>start</c> frame.</summary>
internal sealed record StartMessage(string Event, string SequenceNumber, StartDetails Start, string StreamSid);

internal sealed record StartDetails(string AccountSid, string StreamSid, string CallSid, IReadOnlyList<string> Tracks,
    MediaFormat MediaFormat, IReadOnlyDictionary<string, string> CustomParameters);

internal sealed record MediaFormat(string Encoding, int SampleRate, int Channels);

/// <summary>A caller-audio <c>media</c> frame.</summary>
internal sealed record MediaMessage(string Event, string SequenceNumber, MediaDetails Media, string StreamSid);

internal sealed record MediaDetails(string Track, string Chunk, string Timestamp, string Payload);

/// <summary>A keypress: <c>{"event":"dtmf",…,"dtmf":{"track":"inbound_track","digit":"5"}}</c>.</summary>
internal sealed record DtmfMessage(string Event, string StreamSid, string SequenceNumber, DtmfDetails Dtmf);

internal sealed record DtmfDetails(string Track, string Digit);

/// <summary>A <c>mark</c> echoed back once its audio has played (or was cleared).</summary>
internal sealed record MarkMessage(string Event, string SequenceNumber, string StreamSid, MarkDetails Mark);

internal sealed record MarkDetails(string Name);

/// <summary>The <c>stop</c> frame sent on hang-up.</summary>
internal sealed record StopMessage(string Event, string SequenceNumber, string StreamSid, StopDetails Stop);

internal sealed record StopDetails(string AccountSid, string CallSid);
