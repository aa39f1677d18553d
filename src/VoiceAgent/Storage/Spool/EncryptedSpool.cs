using System.Text.Json;
using System.Text.Json.Serialization;
using VoiceAgent.Storage.Encryption;

namespace VoiceAgent.Storage.Spool;

/// <summary>
/// An ordered queue of sealed items in a folder of the data directory (owner-only), for work that must survive
/// a store or receiver being down and the process restarting. Each item is one file, written under a temporary
/// name and renamed into place, so a crash leaves either the whole item or none. Names sort in arrival order.
/// Payloads are sealed with the transcript cipher: nothing in a spool is readable without the key.
/// </summary>
public sealed class EncryptedSpool
{
    private const string Extension = ".spool";
    private readonly string _directory;
    private readonly TranscriptCipher _cipher;
    private readonly TimeProvider _clock;
    private long _sequence;

    public EncryptedSpool(string directory, TranscriptCipher cipher, TimeProvider clock)
    {
        _directory = directory;
        _cipher = cipher;
        _clock = clock;
        CreateOwnerOnlyDirectory(directory);
    }

    public string Directory => _directory;

    /// <summary>Seals and writes <paramref name="payload"/>; when this returns, the item is on disk.</summary>
    public async Task AppendAsync(string id, string? callerHash, byte[] payload, CancellationToken cancellationToken)
    {
        var sealedValue = _cipher.Seal(payload, id);
        var envelope = new SpoolEnvelope(id, callerHash, sealedValue.KeyId, sealedValue.Data);
        var name = $"{_clock.GetUtcNow().UtcTicks:D19}-{Interlocked.Increment(ref _sequence):D9}-{Sanitize(id)}";
        var temporary = Path.Combine(_directory, name + ".tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var stream = new FileStream(temporary, options))
        {
            await JsonSerializer.SerializeAsync(stream, envelope, SpoolJsonContext.Default.SpoolEnvelope, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, Path.Combine(_directory, name + Extension));
    }

    /// <summary>Items waiting, oldest first.</summary>
    public IReadOnlyList<string> Pending()
    {
        var files = System.IO.Directory.GetFiles(_directory, "*" + Extension);
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    public async Task<SpoolItem> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var envelope = await JsonSerializer.DeserializeAsync(stream, SpoolJsonContext.Default.SpoolEnvelope, cancellationToken)
            ?? throw new InvalidDataException($"Spool item {Path.GetFileName(path)} is empty.");
        return new SpoolItem(path, envelope.Id, envelope.CallerHash, _cipher.Open(new SealedValue(envelope.KeyId, envelope.Data), envelope.Id));
    }

    public static void Remove(string path) => File.Delete(path);

    /// <summary>Deletes every item filed under <paramref name="callerHash"/>; returns how many.</summary>
    public async Task<int> EraseCallerAsync(string callerHash, CancellationToken cancellationToken)
    {
        var erased = 0;
        foreach (var path in Pending())
        {
            SpoolEnvelope? envelope;
            await using (var stream = File.OpenRead(path))
                envelope = await JsonSerializer.DeserializeAsync(stream, SpoolJsonContext.Default.SpoolEnvelope, cancellationToken);
            if (envelope?.CallerHash != callerHash) continue;
            File.Delete(path);
            erased++;
        }
        return erased;
    }

    private static string Sanitize(string id) => new(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').Take(64).ToArray());

    internal static void CreateOwnerOnlyDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
            return;
        }
        // Every level this creates is owner-only (CreateDirectory's mode applies to the leaf alone).
        if (Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(directory)) is { Length: > 0 } parent && !System.IO.Directory.Exists(parent))
            CreateOwnerOnlyDirectory(parent);
        System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}

/// <summary>One spooled item, opened.</summary>
public sealed record SpoolItem(string Path, string Id, string? CallerHash, byte[] Payload);

internal sealed record SpoolEnvelope(string Id, string? CallerHash, string KeyId, byte[] Data);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SpoolEnvelope))]
internal sealed partial class SpoolJsonContext : JsonSerializerContext;
