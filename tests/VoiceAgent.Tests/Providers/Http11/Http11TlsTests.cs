using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using VoiceAgent.Providers.Http11;
using VoiceAgent.Tests.TestSupport;

namespace VoiceAgent.Tests.Providers.Http11;

/// <summary>The lean HTTP/1.1 handler to an https origin: a local Kestrel with a self-signed certificate.</summary>
public sealed class Http11TlsTests
{
    [Fact]
    public async Task An_https_origin_is_spoken_to_over_tls_with_alpn_http11_and_its_connection_reused()
    {
        using var certificate = SelfSigned();
        await using var app = await StartAsync(certificate);
        var origin = new Uri(app.Urls.First().Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        var seen = new List<X509Certificate?>();
        using var http = new HttpClient(new Http11Handler(new Http11HandlerOptions
        {
            ServerCertificateValidation = (_, cert, _, _) =>
            {
                lock (seen) seen.Add(cert);
                return cert is not null && cert.GetCertHashString() == certificate.GetCertHashString();
            },
        }));

        var first = await http.PostAsync(new Uri(origin, "/stream"), new StringContent("{}")).DefaultTimeout();
        var firstText = await first.Content.ReadAsStringAsync().DefaultTimeout();
        var second = await (await http.PostAsync(new Uri(origin, "/stream"), new StringContent("{}")).DefaultTimeout()).Content.ReadAsStringAsync().DefaultTimeout();

        Assert.Equal("HTTP/1.1 https data: one\n\ndata: two\n\n", firstText);
        Assert.Equal(firstText, second);
        Assert.Single(seen); // one handshake: the second request reused the connection
    }

    [Fact]
    public async Task An_https_origin_whose_certificate_is_not_trusted_is_refused()
    {
        using var certificate = SelfSigned();
        await using var app = await StartAsync(certificate);
        var origin = new Uri(app.Urls.First().Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        using var http = new HttpClient(new Http11Handler(new Http11HandlerOptions()));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync(new Uri(origin, "/stream"), new StringContent("{}")).DefaultTimeout());

        Assert.Equal(HttpRequestError.SecureConnectionError, error.HttpRequestError);
    }

    private static async Task<WebApplication> StartAsync(X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        app.MapPost("/stream", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync($"{context.Request.Protocol} {context.Request.Scheme} ");
            await context.Response.Body.FlushAsync();
            await context.Response.WriteAsync("data: one\n\n");
            await context.Response.Body.FlushAsync();
            await context.Response.WriteAsync("data: two\n\n");
        });
        await app.StartAsync().DefaultTimeout();
        return app;
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
