namespace VoiceAgent.Tests.TestSupport;

/// <summary>The load balancer's job in tests: a public URL (https/wss on the public host) sent to one server's loopback address.</summary>
public static class PublicRoute
{
    public static Uri To(Uri publicUrl, Uri server) => new UriBuilder(publicUrl)
    {
        Scheme = publicUrl.Scheme is "wss" or "ws" ? "ws" : "http",
        Host = server.Host,
        Port = server.Port,
    }.Uri;
}
