using VaultDr.Pipeline;
using Xunit;

namespace VaultDr.Tests.Pipeline;

public sealed class AzureDevOpsTests
{
    [Theory]
    [InlineData("True", true)]
    [InlineData("true", true)]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("False", false)]
    public void IsAgent_FollowsTfBuild(string? value, bool expected) =>
        Assert.Equal(expected, AzureDevOps.IsAgent(name => name == "TF_BUILD" ? value : null));

    [Fact]
    public void LogIssue_EscapesNewlinesAndPercent() =>
        Assert.Equal("##vso[task.logissue type=error]100%AZP25 down%0D%0Anext line", AzureDevOps.LogIssue("error", "100% down\r\nnext line"));

    [Fact]
    public void SetSecretVariable_MarksItSecretAndEscapesTheName() =>
        Assert.Equal("##vso[task.setvariable variable=DR%3BTOKEN%5D;issecret=true]hvs.x%0Ay", AzureDevOps.SetSecretVariable("DR;TOKEN]", "hvs.x\ny"));

    [Fact]
    public void Groups() => Assert.Equal(("##[group]Failover step 2: Demote", "##[endgroup]"), (AzureDevOps.GroupStart("Failover step 2: Demote"), AzureDevOps.GroupEnd));

    [Theory]
    [InlineData("DR_TOKEN", true)]
    [InlineData("dr.token-1", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("semi;colon", false)]
    [InlineData("system.accesstoken", false)]
    public void VariableNames(string name, bool valid) => Assert.Equal(valid, AzureDevOps.IsValidVariableName(name));
}
