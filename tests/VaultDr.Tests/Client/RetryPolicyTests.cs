using VaultDr.Client;
using Xunit;

namespace VaultDr.Tests.Client;

public sealed class RetryPolicyTests
{
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);

    [Theory]
    // Reads: like Vault's client, every transport failure except a rejected certificate; 412, 429, 5xx but 501.
    [InlineData(false, nameof(AttemptFailure.ConnectionRefused), 0, true)]
    [InlineData(false, nameof(AttemptFailure.NameResolution), 0, true)]
    [InlineData(false, nameof(AttemptFailure.TlsHandshake), 0, true)]
    [InlineData(false, nameof(AttemptFailure.CertificateRejected), 0, false)]
    [InlineData(false, nameof(AttemptFailure.Timeout), 0, true)]
    [InlineData(false, nameof(AttemptFailure.ConnectionLost), 0, true)]
    [InlineData(false, nameof(AttemptFailure.None), 400, false)]
    [InlineData(false, nameof(AttemptFailure.None), 403, false)]
    [InlineData(false, nameof(AttemptFailure.None), 404, false)]
    [InlineData(false, nameof(AttemptFailure.None), 412, true)]
    [InlineData(false, nameof(AttemptFailure.None), 429, true)]
    [InlineData(false, nameof(AttemptFailure.None), 500, true)]
    [InlineData(false, nameof(AttemptFailure.None), 501, false)]
    [InlineData(false, nameof(AttemptFailure.None), 502, true)]
    [InlineData(false, nameof(AttemptFailure.None), 503, true)]
    [InlineData(false, nameof(AttemptFailure.None), 504, true)]
    // Writes: only when nothing can have been processed (nothing reached Vault, or Vault said "not now").
    [InlineData(true, nameof(AttemptFailure.ConnectionRefused), 0, true)]
    [InlineData(true, nameof(AttemptFailure.NameResolution), 0, true)]
    [InlineData(true, nameof(AttemptFailure.TlsHandshake), 0, true)]
    [InlineData(true, nameof(AttemptFailure.CertificateRejected), 0, false)]
    [InlineData(true, nameof(AttemptFailure.Timeout), 0, false)]
    [InlineData(true, nameof(AttemptFailure.ConnectionLost), 0, false)]
    [InlineData(true, nameof(AttemptFailure.None), 400, false)]
    [InlineData(true, nameof(AttemptFailure.None), 412, false)]
    [InlineData(true, nameof(AttemptFailure.None), 429, true)]
    [InlineData(true, nameof(AttemptFailure.None), 500, false)]
    [InlineData(true, nameof(AttemptFailure.None), 501, false)]
    [InlineData(true, nameof(AttemptFailure.None), 502, false)]
    [InlineData(true, nameof(AttemptFailure.None), 503, true)]
    public void IsRetryable(bool changesState, string failure, int status, bool expected) =>
        Assert.Equal(expected, RetryPolicy.IsRetryable(changesState, Enum.Parse<AttemptFailure>(failure), status));

    [Fact]
    public void RetryAfterWinsOverBackoff()
    {
        var policy = new RetryPolicy(2, TimeSpan.FromSeconds(1), () => 1.0);

        Assert.Equal(TimeSpan.FromSeconds(7), policy.DelayBefore(1, TimeSpan.FromSeconds(7), Ceiling));
        Assert.Equal(TimeSpan.Zero, policy.DelayBefore(2, TimeSpan.Zero, Ceiling));
    }

    [Theory]
    [InlineData(0.0, 1, 1000)]
    [InlineData(1.0, 1, 1500)]
    [InlineData(0.0, 2, 2000)]
    [InlineData(1.0, 2, 3000)]
    [InlineData(0.0, 3, 4000)]
    [InlineData(1.0, 3, 6000)]
    public void BackoffIsJitteredExponential(double jitter, int retry, int expectedMilliseconds)
    {
        var policy = new RetryPolicy(5, TimeSpan.FromSeconds(1), () => jitter);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), policy.DelayBefore(retry, null, Ceiling));
    }

    [Fact]
    public void DefaultBaseIsOneSecond()
    {
        var policy = new RetryPolicy(2, jitter: () => 0.0);

        Assert.Equal(TimeSpan.FromSeconds(1), policy.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(1), policy.DelayBefore(1, null, Ceiling));
    }

    [Fact]
    public void CeilingCapsBothBackoffAndRetryAfter()
    {
        var policy = new RetryPolicy(9, TimeSpan.FromSeconds(1), () => 1.0);
        var ceiling = TimeSpan.FromSeconds(5);

        Assert.Equal(ceiling, policy.DelayBefore(4, null, ceiling));
        Assert.Equal(ceiling, policy.DelayBefore(1, TimeSpan.FromMinutes(10), ceiling));
    }

    [Fact]
    public void NegativeMaxRetriesMeansNone() => Assert.Equal(0, new RetryPolicy(-3).MaxRetries);
}
