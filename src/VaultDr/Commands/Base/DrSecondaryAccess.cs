using System.Security;

namespace VaultDr.Commands;

/// <summary>
/// The maintenance cmdlets (reindex, Merkle check, recover, Raft and autopilot) run on any cluster: with the Vault token,
/// or on a DR secondary with a DR operation token instead. Which one is decided by -DrOperationToken alone: no status is
/// read first, so nothing is sent before the call itself, a listener that hides replication status is no obstacle, and
/// the operator says which path is meant. When the guess is wrong Vault answers 400, and the role requirement below
/// turns that into "this needs a DR secondary" or "add -DrOperationToken" (one status read, after the refusal).
/// </summary>
internal static class DrSecondaryAccess
{
    /// <summary>With -DrOperationToken: the call is a DR secondary's.</summary>
    internal static readonly RoleRequirement WithOperationToken = RoleRequirement.Secondary(
        onPrimary: "-DrOperationToken is for a DR secondary: run it again without -DrOperationToken, with a Vault token (-Token, or the connection's).",
        onDisabled: "-DrOperationToken is for a DR secondary: run it again without -DrOperationToken, with a Vault token (-Token, or the connection's).");

    /// <summary>Without: the call needs a cluster that takes Vault tokens.</summary>
    internal static readonly RoleRequirement WithVaultToken = RoleRequirement.NotSecondary(
        onSecondary: "A DR secondary takes a DR operation token instead of a Vault token: add -DrOperationToken " +
            "(from New-VaultDrOperationToken, or a batch token from New-VaultDrBatchOperationToken; either pipes in).");

    internal static RoleRequirement For(SecureString? drOperationToken) => drOperationToken is null ? WithVaultToken : WithOperationToken;

    /// <summary>The token when one was given; an empty one is refused before any request.</summary>
    internal static SecureString? Checked(SecureString? drOperationToken) =>
        drOperationToken is null ? null : ArgumentChecks.Secret(drOperationToken, "DrOperationToken");
}
