using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using VoiceAgent.Providers.OpenAI;
using VoiceAgent.Providers.Resilience;

namespace VoiceAgent.Tests.Providers.Resilience;

/// <summary>Pure classification of exceptions that do not need a socket to produce (the socket-borne ones are in the provider fault tests).</summary>
public sealed class ProviderFailureTests
{
    [Fact]
    public void FirstTokenTimeoutIsRetryableTimeout()
        => Assert.Equal(new ProviderFailure(ProviderFailureKind.Timeout, true), ProviderFailure.Classify(new ModelTimeoutException(ModelTimeoutKind.FirstToken, TimeSpan.FromSeconds(3))));

    [Fact]
    public void StallTimeoutIsStalled()
        => Assert.Equal(ProviderFailureKind.Stalled, ProviderFailure.Classify(new ModelTimeoutException(ModelTimeoutKind.Stall, TimeSpan.FromSeconds(2))).Kind);

    [Fact]
    public void SdkTimeoutCancellationWrappingTimeoutExceptionIsTimeout()
        => Assert.Equal(ProviderFailureKind.Timeout, ProviderFailure.Classify(new TaskCanceledException("timed out", new TimeoutException())).Kind);

    [Fact]
    public void BareCancellationIsNotMistakenForAProviderFailure()
        => Assert.Equal(new ProviderFailure(ProviderFailureKind.Unknown, false), ProviderFailure.Classify(new OperationCanceledException()));

    [Fact]
    public void ConnectionRefusedIsConnectionLost()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused));

        Assert.Equal(new ProviderFailure(ProviderFailureKind.ConnectionLost, true), ProviderFailure.Classify(refused));
    }

    [Fact]
    public void HttpStatusOnHttpRequestExceptionIsUsed()
        => Assert.Equal(new ProviderFailure(ProviderFailureKind.ServerError, true, 502),
            ProviderFailure.Classify(new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway)));

    [Fact]
    public void PrematureEndOfStreamIsConnectionLost()
        => Assert.Equal(ProviderFailureKind.ConnectionLost, ProviderFailure.Classify(new HttpIOException(HttpRequestError.ResponseEnded)).Kind);

    [Fact]
    public void WrappedFailureIsClassifiedByItsCause()
        => Assert.Equal(ProviderFailureKind.ConnectionLost, ProviderFailure.Classify(new InvalidOperationException("outer", new IOException("reset"))).Kind);

    [Fact]
    public void InStreamOverloadedCodeIsOverloaded()
        => Assert.Equal(ProviderFailureKind.Overloaded, ProviderFailure.Classify(new OpenAIStreamErrorException("busy", "server_error", "overloaded")).Kind);

    [Fact]
    public void UnrecognisedExceptionIsUnknownAndNotRetryable()
        => Assert.Equal(new ProviderFailure(ProviderFailureKind.Unknown, false), ProviderFailure.Classify(new FormatException()));
}
