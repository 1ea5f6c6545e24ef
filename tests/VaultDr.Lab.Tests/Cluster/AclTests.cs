namespace VaultDr.Lab.Tests.Cluster;

/// <summary>The lab's ACL evaluation: Vault's path matching, priority and deny rules, and its policy syntax.</summary>
public sealed class AclTests
{
    private static IReadOnlyList<string> Of(string path, params string[] policies) => Acl.From(policies).Capabilities(path);

    [Theory]
    [InlineData("secret/app", "read")] // exact
    [InlineData("secret/app/db", "list,read")] // the glob secret/app/*
    [InlineData("secret/other", "create,update")] // the glob secret/*
    [InlineData("secret/team/x/config", "delete")] // + segment beats the shorter glob (its wildcard comes later)
    [InlineData("secret", "deny")] // no rule matches: secret/* needs the slash
    [InlineData("kv/anything", "deny")]
    public void Capabilities_FollowVaultsMatchingAndPriority(string path, string expected)
    {
        const string Policy = """
            # an exact path, globs of two lengths and a segment wildcard
            path "secret/app" { capabilities = ["read"] }
            path "secret/app/*" { capabilities = ["read", "list"] }
            path "secret/*" { capabilities = ["create", "update"] }
            path "secret/team/+/config" { capabilities = ["delete"] }
            """;
        Assert.Equal(expected.Split(','), Of(path, Policy));
    }

    [Fact]
    public void Priority_TheLaterWildcardWins_ThenNoGlob_ThenFewerPlusSegments_ThenTheLonger()
    {
        Assert.Equal(["read"], Of("a/b/c", """path "a/+/c" { capabilities = ["update"] }""", """path "a/b/*" { capabilities = ["read"] }"""));
        Assert.Equal(["update"], Of("a/b", """path "a/+" { capabilities = ["update"] }""", """path "a/*" { capabilities = ["read"] }"""));
        Assert.Equal(["read"], Of("a/b/c", """path "a/+/+" { capabilities = ["update"] }""", """path "a/+/c" { capabilities = ["read"] }"""));
        Assert.Equal(["list"], Of("a/bcd", """path "a/b*" { capabilities = ["read"] }""", """path "a/bc*" { capabilities = ["list"] }"""));
    }

    [Fact]
    public void SamePathInTwoPolicies_UnitesCapabilities_AndDenyWinsWithinIt()
    {
        Assert.Equal(["read", "update"], Of("p", """path "p" { capabilities = ["update"] }""", """path "p" { capabilities = ["read"] }"""));
        Assert.Equal(["deny"], Of("p", """path "p" { capabilities = ["update", "read"] }""", """path "p" { capabilities = ["deny"] }"""));

        // Deny on the exact path does not reach other paths; an empty list grants nothing.
        Assert.Equal(["read"], Of("p/q", """path "p" { capabilities = ["deny"] }""", """path "p/*" { capabilities = ["read"] }"""));
        Assert.Equal(["deny"], Of("p", """path "p" { capabilities = [] }"""));
    }

    [Fact]
    public void PolicySyntax_CommentsOtherKeysShorthandAndJson_AreRead_AndAnUnreadablePolicyGrantsNothing()
    {
        const string Hcl = """
            name = "ignored" /* a block comment */
            // a line comment
            path "sys/replication/dr/secondary/promote" {
              capabilities = [ "update", ]
              allowed_parameters = { "force" = [] , "dr_operation_token" = [] }
            }
            path "old/style" { policy = "write" }
            """;
        Assert.Equal(["update"], Of("sys/replication/dr/secondary/promote", Hcl));
        Assert.Equal(["create", "delete", "list", "read", "update"], Of("old/style", Hcl));
        Assert.Equal(["read", "sudo"], Of("/sys/raft", """{"path":{"sys/raft":{"capabilities":["sudo","read"]}}}"""));
        Assert.Equal(["deny"], Of("x", """path "x" { capabilities = ["read"] """));
        Assert.Empty(AclPolicyParser.Parse("path x { }"));
    }

    [Fact]
    public void CapabilityFor_MapsMethodsAsVaultMapsOperations()
    {
        Assert.Equal("read", Acl.CapabilityFor(ApiMethods.Get));
        Assert.Equal("read", Acl.CapabilityFor(ApiMethods.Head));
        Assert.Equal("update", Acl.CapabilityFor(ApiMethods.Put));
        Assert.Equal("update", Acl.CapabilityFor(ApiMethods.Post));
        Assert.Equal("delete", Acl.CapabilityFor(ApiMethods.Delete));
    }
}
