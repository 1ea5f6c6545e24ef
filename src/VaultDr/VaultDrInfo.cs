namespace VaultDr;

internal static class VaultDrInfo
{
    internal const string ModuleName = "VaultDr";
}
