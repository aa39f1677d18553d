using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VoiceAgent.Emulators.Twilio.Rest;

/// <summary>
/// The Recordings part of Twilio's 2010-04-01 REST API as documented (twilio-media-streams.md §5.2):
/// <c>POST …/Calls/{CallSid}/Recordings.json</c> (<c>RecordingChannels</c> mono|dual, <c>RecordingTrack</c>) → 201 with
/// <c>sid</c> <c>RE…</c>, <c>status</c> <c>in-progress</c>, <c>source</c> <c>StartCallRecordingAPI</c>;
/// <c>POST …/Calls/{CallSid}/Recordings/{Sid or Twilio.CURRENT}.json</c> with required <c>Status</c>
/// (<c>paused</c>|<c>in-progress</c>|<c>stopped</c>) and optional <c>PauseBehavior</c> (<c>skip</c>|<c>silence</c>);
/// <c>GET …/Recordings/{Sid}.json</c>, <c>GET …/Recordings/{Sid}.wav</c> (once completed), <c>DELETE …/Recordings/{Sid}.json</c>.
/// Keeps every status change in order so tests can see when the recording was paused.
/// </summary>
public sealed class TwilioRecordingsEmulator
{
    private readonly ConcurrentDictionary<string, EmulatedRecording> _recordings = new(StringComparer.Ordinal);
    private readonly Channel<RecordingEvent> _events = Channel.CreateUnbounded<RecordingEvent>();
    private readonly ConcurrentQueue<RecordingEvent> _log = new();
    private long _sequence;
    private long _statusReads;
    private volatile bool _holdProcessing;

    /// <summary>
    /// While set, a stopped recording stays in Twilio's <c>processing</c> state (its resource says so and its media is
    /// not there yet, 404) instead of becoming <c>completed</c> at once: the gap between a call's end and its file.
    /// </summary>
    public bool HoldProcessing { get => _holdProcessing; set => _holdProcessing = value; }

    /// <summary>How many times a recording's resource was read (<c>GET …/Recordings/{Sid}.json</c>).</summary>
    public long StatusReads => Interlocked.Read(ref _statusReads);

    /// <summary>Every change (created, paused, in-progress, stopped, deleted), in order.</summary>
    public IReadOnlyCollection<RecordingEvent> Events => _log;

    /// <summary>The next change, in order.</summary>
    public async Task<RecordingEvent> NextEventAsync(CancellationToken cancellationToken = default) => await _events.Reader.ReadAsync(cancellationToken);

    /// <summary>The status of a call's active recording (not stopped), or null when none.</summary>
    public string? ActiveStatus(string callSid) => Active(callSid)?.Status;

    /// <summary>Recordings not deleted yet.</summary>
    public IReadOnlyCollection<string> Stored => _recordings.Keys.ToArray();

    internal void Map(WebApplication app, Func<HttpContext, string, IResult?> authorize)
    {
        const string accounts = "/2010-04-01/Accounts/{account}";
        app.MapPost(accounts + "/Calls/{callSid}/Recordings.json", async (HttpContext context, string account, string callSid) =>
        {
            if (authorize(context, account) is { } refused) return refused;
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var channels = form["RecordingChannels"].ToString() is { Length: > 0 } c ? c : "mono";
            var track = form["RecordingTrack"].ToString() is { Length: > 0 } t ? t : "both";
            if (channels is not ("mono" or "dual")) return TwilioRestEmulator.Error(400, 21422, "RecordingChannels must be mono or dual");
            if (track is not ("inbound" or "outbound" or "both")) return TwilioRestEmulator.Error(400, 21422, "RecordingTrack must be inbound, outbound or both");
            var recording = new EmulatedRecording("RE" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), account, callSid, channels == "dual" ? 2 : 1, track);
            _recordings[recording.Sid] = recording;
            Note(recording, "in-progress", null);
            return Json(recording, 201);
        });
        app.MapPost(accounts + "/Calls/{callSid}/Recordings/{recordingFile}", async (HttpContext context, string account, string callSid, string recordingFile) =>
        {
            if (authorize(context, account) is { } refused) return refused;
            if (!recordingFile.EndsWith(".json", StringComparison.Ordinal)) return TwilioRestEmulator.Error(404, 20404, "The requested resource was not found");
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var status = form["Status"].ToString();
            if (status is not ("paused" or "in-progress" or "stopped")) return TwilioRestEmulator.Error(400, 21422, "Status must be paused, in-progress or stopped");
            var pauseBehavior = form["PauseBehavior"].ToString() is { Length: > 0 } p ? p : null;
            if (pauseBehavior is not (null or "skip" or "silence")) return TwilioRestEmulator.Error(400, 21422, "PauseBehavior must be skip or silence");
            var sid = recordingFile[..^".json".Length];
            var recording = sid == "Twilio.CURRENT" ? Active(callSid) : _recordings.GetValueOrDefault(sid);
            if (recording is null || recording.CallSid != callSid || recording.Status == "stopped")
                return TwilioRestEmulator.Error(404, 20404, "The requested resource was not found");
            lock (recording)
            {
                recording.Close(DateTimeOffset.UtcNow);
                recording.Status = status;
                if (status == "in-progress") recording.ResumedAt = DateTimeOffset.UtcNow;
            }
            Note(recording, status, pauseBehavior);
            return Json(recording, 200);
        });
        app.MapGet(accounts + "/Recordings/{recordingFile}", (HttpContext context, string account, string recordingFile) =>
        {
            if (authorize(context, account) is { } refused) return refused;
            var (sid, extension) = Split(recordingFile);
            if (!_recordings.TryGetValue(sid, out var recording)) return TwilioRestEmulator.Error(404, 20404, "The requested resource was not found");
            if (extension == "json") Interlocked.Increment(ref _statusReads);
            return extension switch
            {
                "json" => Json(recording, 200),
                "wav" when recording.Status == "stopped" && !_holdProcessing => Results.Bytes(Wav(recording), "audio/x-wav"),
                _ => TwilioRestEmulator.Error(404, 20404, "The requested resource was not found"),
            };
        });
        app.MapDelete(accounts + "/Recordings/{recordingFile}", (HttpContext context, string account, string recordingFile) =>
        {
            if (authorize(context, account) is { } refused) return refused;
            var (sid, extension) = Split(recordingFile);
            if (extension != "json" || !_recordings.TryRemove(sid, out var recording)) return TwilioRestEmulator.Error(404, 20404, "The requested resource was not found");
            Note(recording, "deleted", null);
            return Results.NoContent();
        });
    }

    private EmulatedRecording? Active(string callSid) => _recordings.Values.Where(r => r.CallSid == callSid && r.Status != "stopped").OrderByDescending(r => r.Created).FirstOrDefault();

    private void Note(EmulatedRecording recording, string status, string? pauseBehavior)
    {
        var e = new RecordingEvent(Interlocked.Increment(ref _sequence), recording.CallSid, recording.Sid, status, pauseBehavior, recording.Channels);
        _log.Enqueue(e);
        _events.Writer.TryWrite(e);
    }

    private static (string Sid, string Extension) Split(string file)
    {
        var dot = file.LastIndexOf('.');
        return dot < 0 ? (file, "") : (file[..dot], file[(dot + 1)..]);
    }

    private IResult Json(EmulatedRecording r, int status)
    {
        // A completed API recording reports "completed" (or "processing" until its file is ready); while the call goes on
        // it is in-progress or paused.
        var body = new Dictionary<string, string?>
        {
            ["sid"] = r.Sid,
            ["account_sid"] = r.Account,
            ["call_sid"] = r.CallSid,
            ["status"] = r.Status == "stopped" ? (_holdProcessing ? "processing" : "completed") : r.Status,
            ["channels"] = r.Channels.ToString(CultureInfo.InvariantCulture),
            ["track"] = r.Track,
            ["source"] = "StartCallRecordingAPI",
            ["duration"] = r.Status == "stopped" ? ((int)r.Recorded.TotalSeconds).ToString(CultureInfo.InvariantCulture) : "-1",
            ["api_version"] = "2010-04-01",
            ["uri"] = $"/2010-04-01/Accounts/{r.Account}/Calls/{r.CallSid}/Recordings/{r.Sid}.json",
        };
        return Results.Text(JsonSerializer.Serialize(body, TwilioRestJsonContext.Default.DictionaryStringString), "application/json", Encoding.UTF8, status);
    }

    /// <summary>A dual- or mono-channel 8 kHz 16-bit WAV of silence as long as the recorded (not paused) time, at most 30 s.</summary>
    private static byte[] Wav(EmulatedRecording r)
    {
        var samples = (int)Math.Min(8000 * 30, Math.Max(1, r.Recorded.TotalSeconds * 8000));
        var dataBytes = samples * r.Channels * 2;
        var wav = new byte[44 + dataBytes];
        var span = wav.AsSpan();
        Encoding.ASCII.GetBytes("RIFF").CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + dataBytes);
        Encoding.ASCII.GetBytes("WAVEfmt ").CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], (short)r.Channels);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], 8000);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], 8000 * r.Channels * 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], (short)(r.Channels * 2));
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        Encoding.ASCII.GetBytes("data").CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], dataBytes);
        return wav;
    }

    private sealed class EmulatedRecording(string sid, string account, string callSid, int channels, string track)
    {
        public string Sid { get; } = sid;
        public string Account { get; } = account;
        public string CallSid { get; } = callSid;
        public int Channels { get; } = channels;
        public string Track { get; } = track;
        public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;
        public string Status { get; set; } = "in-progress";
        public DateTimeOffset? ResumedAt { get; set; } = DateTimeOffset.UtcNow;
        public TimeSpan Recorded { get; private set; }

        /// <summary>Ends the current in-progress stretch (before a status change).</summary>
        public void Close(DateTimeOffset now)
        {
            if (Status == "in-progress" && ResumedAt is { } from) Recorded += now - from;
            ResumedAt = null;
        }
    }
}

/// <summary>One recording status change as the emulator accepted it.</summary>
public sealed record RecordingEvent(long Sequence, string CallSid, string RecordingSid, string Status, string? PauseBehavior, int Channels);
