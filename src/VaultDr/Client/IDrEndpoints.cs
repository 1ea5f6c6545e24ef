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

    /// <summary>GET sys/health: the node's role is in the status code (472 = DR secondary) as much as in the body.</summary>
    Task<VaultHealth> ReadHealthAsync(CancellationToken cancellationToken);

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
