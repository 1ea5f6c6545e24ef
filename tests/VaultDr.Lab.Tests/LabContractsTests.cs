namespace VaultDr.Lab.Tests;

public sealed class LabContractsTests
{
    [Fact]
    public void Error_HasVaultsErrorsShape() =>
        Assert.Equal("""{"errors":["path disabled in replication DR secondary mode"]}""", LabResponse.Error(400, "path disabled in replication DR secondary mode").Json);

    [Fact]
    public void Token_ComesFromXVaultTokenOrBearer()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["authorization"] = "Bearer hvs.abc" };
        Assert.Equal("hvs.abc", LabRequest.Create("GET", "/v1/sys/health", headers: headers).Token);
    }
}
