using System.Security;
using VaultDr.Client;
using VaultDr.Orchestration;

namespace VaultDr.Tests.Orchestration;

/// <summary>
/// What every failover runner test starts from: two in-memory clusters a (the primary) and b (its DR secondary) on a
/// stepping clock, a planned failover with three key shares, and the runner that runs it.
/// </summary>
public abstract class FailoverTestBase
{
    private protected FailoverTestBase()
    {
        Workflow = new WorkflowTestHost(Clock);
        (A, B) = FakeDrCluster.Pair(Clock);
    }

    private protected SteppingClock Clock { get; } = new();

    private protected WorkflowTestHost Workflow { get; }

    /// <summary>The primary; a test may replace the pair.</summary>
    private protected FakeDrCluster A { get; set; }

    /// <summary>The DR secondary.</summary>
    private protected FakeDrCluster B { get; set; }

    private protected static FailoverPlan Plan() => new()
    {
        Planned = true,
        KeyShares = Shares(3),
        SecondaryId = "a-1",
        Timeout = TimeSpan.FromMinutes(5),
    };

    private protected static SecureString[] Shares(int count) =>
        Enumerable.Range(1, count).Select(i => SecretText.Protect(new string((char)('a' + i), 64))).ToArray();

    private protected Task<FailoverOutcome> Run(FailoverPlan plan) => new FailoverRunner(A, B, plan, Workflow.Host).RunAsync(CancellationToken.None);
}
