namespace VoiceAgent.Storage;

/// <summary>
/// One store's part of erasing everything held about a caller ID (GDPR erasure, <c>DELETE /admin/callers/{callerId}</c>).
/// Every store that keeps caller data registers one; erasure runs them all.
/// </summary>
public interface ICallerDataEraser
{
    /// <summary>Deletes everything this store holds about <paramref name="callerId"/> (the caller's number as the carrier sent it).</summary>
    Task EraseCallerAsync(string callerId, CancellationToken cancellationToken);
}
