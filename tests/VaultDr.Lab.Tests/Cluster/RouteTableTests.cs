namespace VaultDr.Lab.Tests.Cluster;

public sealed class RouteTableTests
{
    private static readonly LockedHandler Answer = _ => new LabResponse(204, null);

    [Fact]
    public void Find_PrefersExact_ThenTheLongestPrefix_AndGivesTheRemainder()
    {
        var table = new RouteTable();
        table.Area("", RouteAccess.Token);
        var shortPrefix = table.Prefix("a/", RouteAccess.Open).On(ApiMethods.Get, Answer);
        var longPrefix = table.Prefix("a/b/", RouteAccess.Open).On(ApiMethods.Get, Answer);
        var exact = table.Exact("a/b/c", RouteAccess.Open).On(ApiMethods.Get, Answer);

        Assert.Equal((exact, ""), table.Find("a/b/c"));
        Assert.Equal((longPrefix, "c/d"), table.Find("a/b/c/d"));
        Assert.Equal((longPrefix, "x"), table.Find("a/b/x"));
        Assert.Equal((shortPrefix, "x/y"), table.Find("a/x/y"));
        var (area, remainder) = table.Find("z/y");
        Assert.True(area!.IsArea);
        Assert.Equal(("", "z/y"), (area.Path, remainder));
    }

    [Fact]
    public void Find_WithoutACatchAll_FindsNothingForAnUnknownPath()
    {
        var table = new RouteTable();
        table.Exact("replication/stream", RouteAccess.Open).On(ApiMethods.Post, Answer);
        Assert.Null(table.Find("replication").Route);
        Assert.Null(table.Find("replication/stream/x").Route);
    }

    [Fact]
    public void HandlerFor_GivesTheHandlerOfTheMethodsSet_AndNothingForOthers()
    {
        LockedHandler read = _ => new LabResponse(200, null);
        UnlockedHandler write = (_, _) => Task.FromResult(new LabResponse(204, null));
        var route = new RouteTable().Exact("x", RouteAccess.Open).On(ApiMethods.Get, read).On(ApiMethods.Write, write);

        Assert.Equal(ApiMethods.Get | ApiMethods.Put | ApiMethods.Post, route.Methods);
        Assert.Equal((read, null), route.HandlerFor(ApiMethods.Get));
        Assert.Equal((null, write), route.HandlerFor(ApiMethods.Put));
        Assert.Equal((null, write), route.HandlerFor(ApiMethods.Post));
        Assert.Equal((null, null), route.HandlerFor(ApiMethods.Delete));
        Assert.Equal((null, null), route.HandlerFor(ApiMethods.None));
        Assert.False(route.IsArea);
    }

    [Theory]
    [InlineData("GET", "Get")]
    [InlineData("head", "Head")]
    [InlineData("Put", "Put")]
    [InlineData("POST", "Post")]
    [InlineData("DELETE", "Delete")]
    [InlineData("PATCH", "None")]
    [InlineData("LIST", "None")]
    public void ParseMethod_IgnoresCase_AndKnowsOnlyTheServedMethods(string method, string expected) =>
        Assert.Equal(Enum.Parse<ApiMethods>(expected), Router.ParseMethod(method));

    [Fact]
    public void ConflictingRoutes_AreRefusedWhenTheTableIsBuilt()
    {
        var table = new RouteTable();
        table.Exact("x", RouteAccess.Open).On(ApiMethods.Write, Answer);
        table.Prefix("p/", RouteAccess.Open);
        Assert.Throws<ArgumentException>(() => table.Exact("x", RouteAccess.Token));
        Assert.Throws<ArgumentException>(() => table.Prefix("p/", RouteAccess.Token));
        Assert.Throws<ArgumentException>(() => table.Prefix("q", RouteAccess.Open));
        var route = table.Exact("y", RouteAccess.Open).On(ApiMethods.Get, Answer);
        Assert.Throws<ArgumentException>(() => route.On(ApiMethods.Get | ApiMethods.Delete, Answer));
        Assert.Throws<ArgumentException>(() => route.On(ApiMethods.None, Answer));
    }
}
