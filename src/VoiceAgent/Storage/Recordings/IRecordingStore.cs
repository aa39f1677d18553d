namespace VoiceAgent.Storage.Recordings;

/// <summary>
/// Where fetched recordings are kept: sealed blobs and their metadata, by name. Only ever given ciphertext and
/// metadata without personal data (the caller appears as a keyed hash). <c>RECORDING_STORE=local|s3</c>.
/// </summary>
internal interface IRecordingStore
{
    /// <summary>For logs and readiness: where the objects go (no credentials).</summary>
    string Describe { get; }

    /// <summary>Writes the object whole (replacing one of the same name): a reader never sees half of it.</summary>
    Task PutAsync(string name, byte[] data, CancellationToken cancellationToken);

    /// <summary>The object, or null when there is none by that name.</summary>
    Task<byte[]?> GetAsync(string name, CancellationToken cancellationToken);

    /// <summary>Removes the object; no error when it is already gone.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken);
}
