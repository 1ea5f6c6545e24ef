using System.Security;

namespace VaultDr.Client;

/// <summary>
/// Vault's endpoints on one cluster, one method per method and URL, with typed arguments and typed answers.
/// Every cmdlet and every orchestration step calls Vault through this layer; nothing else builds a path.
/// Failures are the typed exceptions of the HTTP core (<see cref="VaultApiException"/>,
/// <see cref="VaultConnectionException"/>, <see cref="VaultResponseException"/>, ...).
/// </summary>
internal interface IDrEndpoints
{
    /// <summary>The cluster these endpoints reach (for messages and results).</summary>
    VaultDrConnection Connection { get; }

    /// <summary>GET sys/replication/dr/status: the cluster's DR replication status. Unauthenticated in Vault.</summary>
    Task<DrStatus> ReadStatusAsync(CancellationToken cancellationToken);

    /// <summary>POST sys/replication/dr/primary/enable, with primary_cluster_addr when given.</summary>
    Task EnablePrimaryAsync(string? primaryClusterAddress, CancellationToken cancellationToken);

    /// <summary>POST sys/replication/dr/primary/demote: the primary becomes a secondary that keeps its data.</summary>
    Task DemotePrimaryAsync(CancellationToken cancellationToken);

    /// <summary>POST sys/replication/dr/primary/disable.</summary>
    Task DisablePrimaryAsync(CancellationToken cancellationToken);

    /// <summary>POST sys/replication/dr/primary/secondary-token: an activation token for secondary <paramref name="id"/>.</summary>
    Task<SecondaryActivationToken> CreateSecondaryTokenAsync(string id, VaultDuration ttl, string? secondaryPublicKey, CancellationToken cancellationToken);

    /// <summary>POST sys/replication/dr/primary/revoke-secondary.</summary>
    Task RevokeSecondaryAsync(string id, CancellationToken cancellationToken);

    /// <summary>POST sys/replication/dr/secondary/generate-public-key (Vault 1.3+).</summary>
    Task<SecondaryPublicKey> GenerateSecondaryPublicKeyAsync(CancellationToken cancellationToken);

    /// <summary>POST sys/replication/dr/secondary/enable: WIPES the cluster and makes it a secondary of the token's primary.</summary>
    Task EnableSecondaryAsync(SecureString activationToken, PrimaryTarget target, CancellationToken cancellationToken);

    /// <summary>POST sys/replication/dr/secondary/promote, authorised by the DR operation token in the body.</summary>
    Task PromoteAsync(SecureString drOperationToken, string? primaryClusterAddress, bool force, CancellationToken cancellationToken);

    /// <summary>POST sys/replication/dr/secondary/disable, authorised by the DR operation token in the body.</summary>
    Task DisableSecondaryAsync(SecureString drOperationToken, CancellationToken cancellationToken);

    /// <summary>
    /// POST sys/replication/dr/secondary/update-primary: follow the primary of <paramref name="activationToken"/>
    /// (data is kept), or with no activation token forget the primary.
    /// </summary>
    Task UpdatePrimaryAsync(SecureString drOperationToken, SecureString? activationToken, PrimaryTarget target, CancellationToken cancellationToken);

    /// <summary>GET sys/replication/dr/secondary/generate-operation-token/attempt (never shows the OTP).</summary>
    Task<OperationTokenProgress> ReadOperationTokenProgressAsync(CancellationToken cancellationToken);

    /// <summary>
    /// PUT sys/replication/dr/secondary/generate-operation-token/attempt. Modern Vault makes the OTP and shows it in
    /// this answer only; a PGP key makes the token come back encrypted instead; Vault before 1.0 needs the caller's
    /// own <paramref name="legacyOtp"/>.
    /// </summary>
    Task<OperationTokenProgress> StartOperationTokenAsync(string? pgpKey, SecureString? legacyOtp, CancellationToken cancellationToken);

    /// <summary>DELETE sys/replication/dr/secondary/generate-operation-token/attempt.</summary>
    Task CancelOperationTokenAsync(CancellationToken cancellationToken);

    /// <summary>PUT sys/replication/dr/secondary/generate-operation-token/update: one key share.</summary>
    Task<OperationTokenProgress> SubmitKeyShareAsync(SecureString keyShare, string nonce, CancellationToken cancellationToken);

    /// <summary>POST sys/replication/dr/secondary/operation-token/delete.</summary>
    Task DeleteOperationTokenAsync(SecureString drOperationToken, CancellationToken cancellationToken);

    /// <summary>
    /// POST sys/replication/dr/secondary/update-primary with update_primary_addrs: the secondary pings the addresses in
    /// turn and records the first that answers as its primary's (Vault 1.13.3+; data is kept).
    /// </summary>
    Task UpdatePrimaryAddressesAsync(SecureString drOperationToken, IReadOnlyList<string> primaryClusterAddresses, CancellationToken cancellationToken);

    /// <summary>GET sys/replication/status: DR and performance replication in one read. Unauthenticated in Vault.</summary>
    Task<ReplicationStatus> ReadReplicationStatusAsync(CancellationToken cancellationToken);

    /// <summary>POST sys/replication/reindex (sudo): rebuilds the replication index of a cluster that is not a DR secondary.</summary>
    Task ReindexAsync(ReindexOptions options, CancellationToken cancellationToken);

    /// <summary>POST sys/replication/dr/secondary/reindex, authorised by the DR operation token in the body.</summary>
    Task ReindexDrSecondaryAsync(SecureString drOperationToken, ReindexOptions options, CancellationToken cancellationToken);

    /// <summary>POST sys/replication/merkle-check: checks the Merkle trees for corruption (Vault Enterprise 1.13.7/1.14.3/1.15+).</summary>
    Task<MerkleCorruptionReport> MerkleCheckAsync(CancellationToken cancellationToken);

    /// <summary>POST sys/replication/dr/secondary/merkle-check, authorised by the DR operation token in the body.</summary>
    Task<MerkleCorruptionReport> MerkleCheckDrSecondaryAsync(SecureString drOperationToken, CancellationToken cancellationToken);

    /// <summary>POST sys/replication/recover: restarts replication that stopped syncing after an error.</summary>
    Task RecoverAsync(CancellationToken cancellationToken);

    /// <summary>POST sys/replication/dr/secondary/recover (Vault 1.4+), authorised by the DR operation token in the body.</summary>
    Task RecoverDrSecondaryAsync(SecureString drOperationToken, CancellationToken cancellationToken);

    /// <summary>GET sys/storage/raft/configuration: the Raft servers.</summary>
    Task<RaftPeer[]> ReadRaftConfigurationAsync(CancellationToken cancellationToken);

    /// <summary>PUT sys/storage/raft/configuration with the DR operation token in the body, as "list-peers -dr-token" reads a DR secondary's.</summary>
    Task<RaftPeer[]> ReadRaftConfigurationDrSecondaryAsync(SecureString drOperationToken, CancellationToken cancellationToken);

    /// <summary>
    /// PUT sys/storage/raft/remove-peer. The body always has dr_operation_token, empty when none is given, as Vault's CLI
    /// sends it; on a DR secondary it authorises the call.
    /// </summary>
    Task RemoveRaftPeerAsync(string serverId, SecureString? drOperationToken, CancellationToken cancellationToken);

    /// <summary>GET sys/storage/raft/autopilot/state; on a DR secondary the DR operation token goes in X-Vault-Token.</summary>
    Task<AutopilotState> ReadAutopilotStateAsync(SecureString? drOperationToken, CancellationToken cancellationToken);

    /// <summary>GET sys/storage/raft/autopilot/configuration; on a DR secondary the DR operation token goes in X-Vault-Token.</summary>
    Task<AutopilotConfiguration> ReadAutopilotConfigurationAsync(SecureString? drOperationToken, CancellationToken cancellationToken);

    /// <summary>PUT sys/storage/raft/autopilot/configuration: only the settings given; on a DR secondary the DR operation token in the body.</summary>
    Task WriteAutopilotConfigurationAsync(AutopilotSettings settings, SecureString? drOperationToken, CancellationToken cancellationToken);

    /// <summary>GET sys/health: the node's role is in the status code (472 = DR secondary) as much as in the body.</summary>
    Task<VaultHealth> ReadHealthAsync(CancellationToken cancellationToken);

    /// <summary>GET sys/seal-status: the seal type and which key shares the cluster takes. Unauthenticated in Vault, served sealed and on a DR secondary.</summary>
    Task<VaultSealStatus> ReadSealStatusAsync(CancellationToken cancellationToken);

    /// <summary>GET auth/token/lookup-self with <paramref name="token"/> as X-Vault-Token: what Vault says of that token.</summary>
    Task<TokenLookup> LookupTokenAsync(SecureString token, CancellationToken cancellationToken);

    /// <summary>POST sys/capabilities-self with <paramref name="token"/> as X-Vault-Token: its capabilities on each path (Vault's policy evaluation).</summary>
    Task<IReadOnlyDictionary<string, string[]>> ReadTokenCapabilitiesAsync(SecureString token, IReadOnlyList<string> paths, CancellationToken cancellationToken);

    /// <summary>The API listener's certificate, from a TLS handshake alone (no HTTP request), judged by the connection's trust.</summary>
    Task<ServerCertificate> ReadServerCertificateAsync(CancellationToken cancellationToken);

    /// <summary>PUT sys/policies/acl/:name.</summary>
    Task WritePolicyAsync(string name, string policy, CancellationToken cancellationToken);

    /// <summary>POST auth/token/roles/:name.</summary>
    Task WriteTokenRoleAsync(string name, TokenRoleSettings role, CancellationToken cancellationToken);

    /// <summary>POST auth/token/create/:role, for a role that makes batch tokens.</summary>
    Task<OperationToken> CreateBatchTokenAsync(string role, VaultDuration ttl, CancellationToken cancellationToken);

    /// <summary>GET secret/:path (a KV version 1 mount, as the lab has).</summary>
    Task<IReadOnlyDictionary<string, object?>> ReadSecretAsync(string path, CancellationToken cancellationToken);

    /// <summary>PUT secret/:path (a KV version 1 mount, as the lab has).</summary>
    Task WriteSecretAsync(string path, IReadOnlyDictionary<string, string> data, CancellationToken cancellationToken);
}

/// <summary>Where and how a secondary reaches its primary when it unwraps an activation token.</summary>
/// <param name="PrimaryApiAddress">Overrides the address inside the activation token (e.g. behind a load balancer).</param>
/// <param name="CAFile">A CA file on the secondary's servers (not this machine).</param>
/// <param name="CAPath">A CA folder on the secondary's servers.</param>
internal sealed record PrimaryTarget(string? PrimaryApiAddress = null, string? CAFile = null, string? CAPath = null)
{
    internal static readonly PrimaryTarget FromToken = new();
}

/// <summary>The fields of a token role (auth/token/roles/:name).</summary>
internal sealed record TokenRoleSettings(IReadOnlyList<string> AllowedPolicies, bool Orphan, bool Renewable, string TokenType);

/// <summary>The options of a reindex; each is sent only when set (Vault's default for all three is false).</summary>
/// <param name="Diff">A slower reindex that checks every key.</param>
/// <param name="Force">A complete reindex that scans only the data in storage.</param>
/// <param name="SkipFlush">Skips the tree flushing stage (a new reindex may be needed afterwards).</param>
internal sealed record ReindexOptions(bool Diff = false, bool Force = false, bool SkipFlush = false);

/// <summary>The autopilot settings to change; null leaves a setting as it is (it is not sent).</summary>
internal sealed record AutopilotSettings
{
    internal bool? CleanupDeadServers { get; init; }

    internal VaultDuration? DeadServerLastContactThreshold { get; init; }

    internal VaultDuration? LastContactThreshold { get; init; }

    internal int? MaxTrailingLogs { get; init; }

    internal int? MinQuorum { get; init; }

    internal VaultDuration? ServerStabilizationTime { get; init; }

    internal bool? DisableUpgradeMigration { get; init; }
}
