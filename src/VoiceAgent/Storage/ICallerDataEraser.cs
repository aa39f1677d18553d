namespace VoiceAgent.Storage;

/// <summary>
/// Something that holds data about callers and can forget one (GDPR erasure). Every registered eraser runs on
/// <c>DELETE /admin/callers/{callerId}</c>: the records database, the on-disk spools, the live session store.
/// </summary>
public interface ICallerDataEraser
{
    /// <summary>Short name for the erasure report, e.g. <c>records</c>, <c>transcript-spool</c>.</summary>
    string Name { get; }

    /// <summary>Erases everything held about <paramref name="callerId"/> (the caller's number as the carrier sent it); returns how many items went.</summary>
    Task<int> EraseCallerAsync(string callerId, CancellationToken cancellationToken);
}
