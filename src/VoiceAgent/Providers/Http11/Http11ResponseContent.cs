using System.Net;

namespace VoiceAgent.Providers.Http11;

/// <summary>A response's content over its <see cref="Http11BodyStream"/>: reading it as a stream hands out that stream itself.</summary>
internal sealed class Http11ResponseContent(Http11BodyStream body) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => body.CopyToAsync(stream);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        => body.CopyToAsync(stream, cancellationToken);

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(body);

    protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => Task.FromResult<Stream>(body);

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken) => body;

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) body.Dispose();
        base.Dispose(disposing);
    }
}
