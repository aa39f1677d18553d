namespace VoiceAgent.Storage.Recordings;

/// <summary>The names a recording is kept under: <c>{RecordingSid}.wav.sealed</c> and <c>{RecordingSid}.json</c>.</summary>
internal static class RecordingNames
{
    public static string Audio(string recordingSid) => Sid(recordingSid) + ".wav.sealed";

    public static string Meta(string recordingSid) => Sid(recordingSid) + ".json";

    /// <summary>Recording ids are letters and digits (<c>RE…</c>); anything else could escape the folder or prefix.</summary>
    public static string Sid(string recordingSid)
        => recordingSid.Length > 0 && recordingSid.All(char.IsAsciiLetterOrDigit) ? recordingSid : throw new ArgumentException("Recording id must be alphanumeric.", nameof(recordingSid));

    public static string CheckSafe(string name)
        => name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '.') && !name.StartsWith('.') ? name : throw new ArgumentException("Unsafe recording object name.", nameof(name));
}
