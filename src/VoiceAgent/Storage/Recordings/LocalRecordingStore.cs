namespace VoiceAgent.Storage.Recordings;

/// <summary>Recordings in a local folder (<c>DATA_DIR/recordings</c> by default), written atomically, owner-only.</summary>
internal sealed class LocalRecordingStore(string folder) : IRecordingStore
{
    public string Folder => folder;

    public string Describe => "folder " + folder;

    public async Task PutAsync(string name, byte[] data, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var path = PathOf(name);
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var stream = new FileStream(temp, options)) await stream.WriteAsync(data, cancellationToken);
        File.Move(temp, path, overwrite: true);
    }

    public async Task<byte[]?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(name));
        return Task.CompletedTask;
    }

    private string PathOf(string name) => Path.Combine(folder, RecordingNames.CheckSafe(name));
}
