namespace VaultDr.Lab;

/// <summary>The DR replication modes a cluster reports (<c>mode</c> of sys/replication/dr/status).</summary>
internal static class DrModes
{
    public const string Disabled = "disabled";
    public const string Primary = "primary";
    public const string Secondary = "secondary";
}

/// <summary>The states a DR secondary walks through (<c>state</c> of its status); a primary is always "running".</summary>
internal static class SecondaryStates
{
    public const string Idle = "idle";
    public const string Connecting = "connecting";
    public const string MerkleDiff = "merkle-diff";
    public const string MerkleSync = "merkle-sync";
    public const string StreamWals = "stream-wals";
    public const string TransientFailure = "transient_failure";
}

/// <summary>The endpoint families of Vault 2.x's <c>enable_unauthenticated_access</c>.</summary>
internal static class UnauthenticatedFamilies
{
    public const string Rekey = "rekey";
    public const string GenerateRoot = "generate-root";
    public const string GenerateOperationToken = "generate-operation-token";

    public static readonly IReadOnlyList<string> All = [Rekey, GenerateRoot, GenerateOperationToken];
}
