using VaultDr.Pipeline;
using Xunit;

namespace VaultDr.Tests.Pipeline;

/// <summary>What a readiness run tells an Azure Pipelines agent: the step's result, and the summary's tables.</summary>
public sealed class ReadinessSummaryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TaskComplete_SetsTheResult_EscapingThePropertyAndTheMessage()
    {
        Assert.Equal("##vso[task.complete result=SucceededWithIssues;]DR readiness: 2 warnings", AzureDevOps.TaskComplete("SucceededWithIssues", "DR readiness: 2 warnings"));
        Assert.Equal("##vso[task.complete result=Succeeded%3BX%5D;]100%AZP25%0D%0Anext", AzureDevOps.TaskComplete("Succeeded;X]", "100%\r\nnext"));
        Assert.Equal("##vso[task.complete result=Failed;]", AzureDevOps.TaskComplete("Failed"));
    }

    [Fact]
    public void Markdown_ATableOfChecksPerSecondary_WithTheVerdict_AndCellsThatCannotBreakTheTable()
    {
        var reports = new[]
        {
            Report("vault-b", ReadinessResult.Warn, Check("vault-b", "Heartbeat", ReadinessResult.Pass, "4s ago"), Check("vault-a", "DrOperationToken", ReadinessResult.Warn, "3 of 5 unseal keys")),
            Report("vault-c", ReadinessResult.Fail, Check("vault-c", "Tls", ReadinessResult.Fail, "CN=a|b\nc"), Check("vault-c", "RaftQuorum", ReadinessResult.Skipped, null)),
        };

        var markdown = ReadinessSummary.Markdown(reports).ReplaceLineEndings("\n");

        Assert.Equal(
            """
            ## DR readiness: NOT READY

            ### vault-a -> vault-b: READY, WITH WARNINGS

            Checked 2026-11-29 12:00:00 UTC: 0 failed, 1 warned, 1 passed, 0 skipped.

            | Check | Cluster | Result | Value | Threshold | What to do |
            | --- | --- | --- | --- | --- | --- |
            | Heartbeat | vault-b | PASS | 4s ago | t | Do this. |
            | DrOperationToken | vault-a | WARN | 3 of 5 unseal keys | t | Do this. |

            ### vault-a -> vault-c: NOT READY

            Checked 2026-11-29 12:00:00 UTC: 1 failed, 0 warned, 0 passed, 1 skipped.

            | Check | Cluster | Result | Value | Threshold | What to do |
            | --- | --- | --- | --- | --- | --- |
            | Tls | vault-c | **FAIL** | CN=a\|b c | t | Do this. |
            | RaftQuorum | vault-c | skipped |  | t | Do this. |

            """,
            markdown);
    }

    [Theory]
    [InlineData(ReadinessResult.Pass, ReadinessResult.Pass, ReadinessResult.Pass)]
    [InlineData(ReadinessResult.Warn, ReadinessResult.Pass, ReadinessResult.Warn)]
    [InlineData(ReadinessResult.Warn, ReadinessResult.Fail, ReadinessResult.Fail)]
    public void Overall_IsTheWorstReport(ReadinessResult first, ReadinessResult second, ReadinessResult overall) =>
        Assert.Equal(overall, ReadinessSummary.Overall([Report("b", first), Report("c", second)]));

    private static ReadinessCheck Check(string cluster, string name, ReadinessResult result, string? value) =>
        new() { Cluster = cluster, Name = name, Result = result, Value = value, Threshold = "t", Message = "Do this." };

    private static ReadinessReport Report(string secondary, ReadinessResult result, params ReadinessCheck[] checks) => new()
    {
        Primary = new Uri("https://vault-a:8200"),
        Secondary = new Uri($"https://{secondary}:8200"),
        PrimaryName = "vault-a",
        SecondaryName = secondary,
        CheckedAt = Now,
        Result = result,
        Ready = result != ReadinessResult.Fail,
        Checks = checks,
    };
}
