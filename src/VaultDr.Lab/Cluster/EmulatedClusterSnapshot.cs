namespace VaultDr.Lab;

/// <summary>An emulated cluster as the control API shows it.</summary>
public sealed record EmulatedClusterSnapshot(
    string Name,
    Uri ApiAddress,
    Uri ClusterAddress,
    bool Running,
    bool Sealed,
    string Mode,
    string State,
    string? ClusterId,
    long LastWal,
    long LastRemoteWal,
    string MerkleRoot);
