using System.Security;

namespace VaultDr.Client;

/// <summary>
/// <see cref="IDrEndpoints"/> over the HTTP core: each Vault path is written here once, with the body Vault's API
/// page gives for it; answers go through <see cref="ResponseParsers"/>. Every state-changing call carries a JSON
/// body (at least <c>{}</c>, see <see cref="VaultRequest.BuildBody"/>).
/// </summary>
internal sealed class DrEndpoints : IDrEndpoints
{
    private const string StatusPath = "sys/replication/dr/status";
    private const string PrimaryEnablePath = "sys/replication/dr/primary/enable";
    private const string PrimaryDemotePath = "sys/replication/dr/primary/demote";
    private const string PrimaryDisablePath = "sys/replication/dr/primary/disable";
    private const string SecondaryTokenPath = "sys/replication/dr/primary/secondary-token";
    private const string RevokeSecondaryPath = "sys/replication/dr/primary/revoke-secondary";
    private const string GeneratePublicKeyPath = "sys/replication/dr/secondary/generate-public-key";
    private const string SecondaryEnablePath = "sys/replication/dr/secondary/enable";
    /// <summary>Also named in the batch DR operation token's policy.</summary>
    internal const string PromotePath = "sys/replication/dr/secondary/promote";
    private const string SecondaryDisablePath = "sys/replication/dr/secondary/disable";
    /// <summary>Also named in the batch DR operation token's policy.</summary>
    internal const string UpdatePrimaryPath = "sys/replication/dr/secondary/update-primary";

    private const string ReplicationStatusPath = "sys/replication/status";
    private const string ReindexPath = "sys/replication/reindex";
    private const string SecondaryReindexPath = "sys/replication/dr/secondary/reindex";
    private const string MerkleCheckPath = "sys/replication/merkle-check";
    private const string SecondaryMerkleCheckPath = "sys/replication/dr/secondary/merkle-check";
    private const string RecoverPath = "sys/replication/recover";
    private const string SecondaryRecoverPath = "sys/replication/dr/secondary/recover";

    // The Raft paths a failover reads and changes on a DR secondary with a DR operation token: named in the batch token's policy.
    internal const string RaftConfigurationPath = "sys/storage/raft/configuration";
    internal const string RaftRemovePeerPath = "sys/storage/raft/remove-peer";
    internal const string AutopilotStatePath = "sys/storage/raft/autopilot/state";
    internal const string AutopilotConfigurationPath = "sys/storage/raft/autopilot/configuration";
    private const string OperationTokenAttemptPath = "sys/replication/dr/secondary/generate-operation-token/attempt";
    private const string OperationTokenUpdatePath = "sys/replication/dr/secondary/generate-operation-token/update";
    private const string OperationTokenDeletePath = "sys/replication/dr/secondary/operation-token/delete";
    private const string HealthPath = "sys/health";
    private const string SealStatusPath = "sys/seal-status";
    private const string PolicyPathPrefix = "sys/policies/acl/";
    private const string TokenRolePathPrefix = "auth/token/roles/";
    private const string TokenCreatePathPrefix = "auth/token/create/";
    private const string SecretPathPrefix = "secret/";
    private const string TokenLookupSelfPath = "auth/token/lookup-self";
    private const string CapabilitiesSelfPath = "sys/capabilities-self";

    /// <summary>Every fixed path above (for completion of the lab's fault paths).</summary>
    internal static readonly IReadOnlyList<string> Paths =
    [
        StatusPath, PrimaryEnablePath, PrimaryDemotePath, PrimaryDisablePath, SecondaryTokenPath, RevokeSecondaryPath, GeneratePublicKeyPath,
        SecondaryEnablePath, PromotePath, SecondaryDisablePath, UpdatePrimaryPath, OperationTokenAttemptPath, OperationTokenUpdatePath,
        OperationTokenDeletePath, HealthPath, SealStatusPath, ReplicationStatusPath, ReindexPath, SecondaryReindexPath, MerkleCheckPath, SecondaryMerkleCheckPath,
        RecoverPath, SecondaryRecoverPath, RaftConfigurationPath, RaftRemovePeerPath, AutopilotStatePath, AutopilotConfigurationPath,
        TokenLookupSelfPath, CapabilitiesSelfPath,
    ];

    // sys/health reports the node's role through these statuses: answers, not errors.
    private static readonly int[] HealthRoleStatuses = [429, 472, 473, 474, 501, 503, 530];

    private readonly VaultClient _client;
    private readonly IVaultCallLog _log;
    private readonly ReadMode _reads;

    /// <param name="reads">How the caller waits: <see cref="ReadMode.OnCallingThread"/> when it blocks on each call.</param>
    internal DrEndpoints(VaultDrConnection connection, IVaultCallLog log, ReadMode reads = ReadMode.Asynchronous)
    {
        Connection = connection;
        _client = VaultClients.For(connection);
        _log = log;
        _reads = reads;
    }

    public VaultDrConnection Connection { get; }

    public async Task<DrStatus> ReadStatusAsync(CancellationToken cancellationToken) =>
        ResponseParsers.Status(await ReadStatusPathAsync(StatusPath, cancellationToken).ConfigureAwait(false));

    public async Task<ReplicationStatus> ReadReplicationStatusAsync(CancellationToken cancellationToken) =>
        ResponseParsers.CombinedStatus(await ReadStatusPathAsync(ReplicationStatusPath, cancellationToken).ConfigureAwait(false));

    public Task EnablePrimaryAsync(string? primaryClusterAddress, CancellationToken cancellationToken) =>
        SendAsync(Post(PrimaryEnablePath).With("primary_cluster_addr", primaryClusterAddress), cancellationToken);

    public Task DemotePrimaryAsync(CancellationToken cancellationToken) => SendAsync(Post(PrimaryDemotePath), cancellationToken);

    public Task DisablePrimaryAsync(CancellationToken cancellationToken) => SendAsync(Post(PrimaryDisablePath), cancellationToken);

    public async Task<SecondaryActivationToken> CreateSecondaryTokenAsync(string id, VaultDuration ttl, string? secondaryPublicKey, CancellationToken cancellationToken)
    {
        var request = Post(SecondaryTokenPath).With("id", id).With("ttl", ttl.ToVaultString()).With("secondary_public_key", secondaryPublicKey);
        return ResponseParsers.ActivationToken(await SendAsync(request, cancellationToken).ConfigureAwait(false), id);
    }

    public Task RevokeSecondaryAsync(string id, CancellationToken cancellationToken) =>
        SendAsync(Post(RevokeSecondaryPath).With("id", id), cancellationToken);

    public async Task<SecondaryPublicKey> GenerateSecondaryPublicKeyAsync(CancellationToken cancellationToken) =>
        ResponseParsers.PublicKey(await SendAsync(Post(GeneratePublicKeyPath), cancellationToken).ConfigureAwait(false));

    public Task EnableSecondaryAsync(SecureString activationToken, PrimaryTarget target, CancellationToken cancellationToken) =>
        SendAsync(WithTarget(Post(SecondaryEnablePath).With("token", activationToken), target), cancellationToken);

    public Task PromoteAsync(SecureString drOperationToken, string? primaryClusterAddress, bool force, CancellationToken cancellationToken) =>
        SendAsync(
            Post(PromotePath)
                .With("dr_operation_token", drOperationToken)
                .With("primary_cluster_addr", primaryClusterAddress)
                .With("force", force ? true : null),
            cancellationToken);

    public Task DisableSecondaryAsync(SecureString drOperationToken, CancellationToken cancellationToken) =>
        SendAsync(Post(SecondaryDisablePath).With("dr_operation_token", drOperationToken), cancellationToken);

    public Task UpdatePrimaryAsync(SecureString drOperationToken, SecureString? activationToken, PrimaryTarget target, CancellationToken cancellationToken)
    {
        // An empty token is Vault's way to say "forget the primary".
        var request = Post(UpdatePrimaryPath)
            .With("dr_operation_token", drOperationToken)
            .With("token", activationToken is { Length: > 0 } ? activationToken : string.Empty);
        return SendAsync(WithTarget(request, target), cancellationToken);
    }

    public Task UpdatePrimaryAddressesAsync(SecureString drOperationToken, IReadOnlyList<string> primaryClusterAddresses, CancellationToken cancellationToken) =>
        SendAsync(Post(UpdatePrimaryPath).With("dr_operation_token", drOperationToken).With("update_primary_addrs", primaryClusterAddresses), cancellationToken);

    public Task ReindexAsync(ReindexOptions options, CancellationToken cancellationToken) =>
        SendAsync(WithReindexOptions(Post(ReindexPath), options), cancellationToken);

    public Task ReindexDrSecondaryAsync(SecureString drOperationToken, ReindexOptions options, CancellationToken cancellationToken) =>
        SendAsync(WithReindexOptions(Post(SecondaryReindexPath).With("dr_operation_token", drOperationToken), options), cancellationToken);

    public async Task<MerkleCorruptionReport> MerkleCheckAsync(CancellationToken cancellationToken) =>
        ResponseParsers.MerkleReport(await SendAsync(Post(MerkleCheckPath), cancellationToken).ConfigureAwait(false), isDrSecondary: false);

    public async Task<MerkleCorruptionReport> MerkleCheckDrSecondaryAsync(SecureString drOperationToken, CancellationToken cancellationToken) =>
        ResponseParsers.MerkleReport(
            await SendAsync(Post(SecondaryMerkleCheckPath).With("dr_operation_token", drOperationToken), cancellationToken).ConfigureAwait(false),
            isDrSecondary: true);

    public Task RecoverAsync(CancellationToken cancellationToken) => SendAsync(Post(RecoverPath), cancellationToken);

    public Task RecoverDrSecondaryAsync(SecureString drOperationToken, CancellationToken cancellationToken) =>
        SendAsync(Post(SecondaryRecoverPath).With("dr_operation_token", drOperationToken), cancellationToken);

    public async Task<RaftPeer[]> ReadRaftConfigurationAsync(CancellationToken cancellationToken) =>
        ResponseParsers.RaftPeers(await SendAsync(Get(RaftConfigurationPath), cancellationToken).ConfigureAwait(false));

    public async Task<RaftPeer[]> ReadRaftConfigurationDrSecondaryAsync(SecureString drOperationToken, CancellationToken cancellationToken) =>
        ResponseParsers.RaftPeers(
            await SendAsync(new VaultRequest(HttpMethod.Put, RaftConfigurationPath).With("dr_operation_token", drOperationToken), cancellationToken).ConfigureAwait(false));

    public Task RemoveRaftPeerAsync(string serverId, SecureString? drOperationToken, CancellationToken cancellationToken) =>
        SendAsync(
            new VaultRequest(HttpMethod.Put, RaftRemovePeerPath).With("server_id", serverId).With("dr_operation_token", (object?)drOperationToken ?? string.Empty),
            cancellationToken);

    public async Task<AutopilotState> ReadAutopilotStateAsync(SecureString? drOperationToken, CancellationToken cancellationToken) =>
        ResponseParsers.Autopilot(await SendAsync(Get(AutopilotStatePath).AuthenticatedBy(drOperationToken), cancellationToken).ConfigureAwait(false));

    public async Task<AutopilotConfiguration> ReadAutopilotConfigurationAsync(SecureString? drOperationToken, CancellationToken cancellationToken) =>
        ResponseParsers.AutopilotSettings(await SendAsync(Get(AutopilotConfigurationPath).AuthenticatedBy(drOperationToken), cancellationToken).ConfigureAwait(false));

    public Task WriteAutopilotConfigurationAsync(AutopilotSettings settings, SecureString? drOperationToken, CancellationToken cancellationToken) =>
        SendAsync(
            new VaultRequest(HttpMethod.Put, AutopilotConfigurationPath)
                .With("dr_operation_token", drOperationToken)
                .With("cleanup_dead_servers", settings.CleanupDeadServers)
                .With("dead_server_last_contact_threshold", settings.DeadServerLastContactThreshold?.ToVaultString())
                .With("last_contact_threshold", settings.LastContactThreshold?.ToVaultString())
                .With("max_trailing_logs", settings.MaxTrailingLogs)
                .With("min_quorum", settings.MinQuorum)
                .With("server_stabilization_time", settings.ServerStabilizationTime?.ToVaultString())
                .With("disable_upgrade_migration", settings.DisableUpgradeMigration),
            cancellationToken);

    public async Task<OperationTokenProgress> ReadOperationTokenProgressAsync(CancellationToken cancellationToken) =>
        ResponseParsers.Progress(await SendAsync(Get(OperationTokenAttemptPath), cancellationToken).ConfigureAwait(false));

    public async Task<OperationTokenProgress> StartOperationTokenAsync(string? pgpKey, SecureString? legacyOtp, CancellationToken cancellationToken)
    {
        var request = new VaultRequest(HttpMethod.Put, OperationTokenAttemptPath).With("pgp_key", pgpKey).With("otp", legacyOtp);
        return ResponseParsers.Progress(await SendAsync(request, cancellationToken).ConfigureAwait(false));
    }

    public Task CancelOperationTokenAsync(CancellationToken cancellationToken) =>
        SendAsync(new VaultRequest(HttpMethod.Delete, OperationTokenAttemptPath), cancellationToken);

    public async Task<OperationTokenProgress> SubmitKeyShareAsync(SecureString keyShare, string nonce, CancellationToken cancellationToken)
    {
        var request = new VaultRequest(HttpMethod.Put, OperationTokenUpdatePath).With("key", keyShare).With("nonce", nonce);
        return ResponseParsers.Progress(await SendAsync(request, cancellationToken).ConfigureAwait(false));
    }

    public Task DeleteOperationTokenAsync(SecureString drOperationToken, CancellationToken cancellationToken) =>
        SendAsync(Post(OperationTokenDeletePath).With("dr_operation_token", drOperationToken), cancellationToken);

    public async Task<VaultHealth> ReadHealthAsync(CancellationToken cancellationToken) =>
        ResponseParsers.Health(await SendAsync(Get(HealthPath).Accepting(HealthRoleStatuses), cancellationToken).ConfigureAwait(false));

    public async Task<VaultSealStatus> ReadSealStatusAsync(CancellationToken cancellationToken) =>
        ResponseParsers.SealStatus(await SendAsync(Get(SealStatusPath), cancellationToken).ConfigureAwait(false));

    public async Task<TokenLookup> LookupTokenAsync(SecureString token, CancellationToken cancellationToken) =>
        ResponseParsers.TokenLookup(await SendAsync(Get(TokenLookupSelfPath).AuthenticatedBy(token), cancellationToken).ConfigureAwait(false));

    public async Task<IReadOnlyDictionary<string, string[]>> ReadTokenCapabilitiesAsync(SecureString token, IReadOnlyList<string> paths, CancellationToken cancellationToken) =>
        ResponseParsers.Capabilities(
            await SendAsync(Post(CapabilitiesSelfPath).With("paths", paths).AuthenticatedBy(token), cancellationToken).ConfigureAwait(false),
            paths);

    public Task<ServerCertificate> ReadServerCertificateAsync(CancellationToken cancellationToken) =>
        ServerCertificateReader.ReadAsync(Connection, cancellationToken);

    public Task WritePolicyAsync(string name, string policy, CancellationToken cancellationToken) =>
        SendAsync(new VaultRequest(HttpMethod.Put, PolicyPathPrefix + name).With("policy", policy), cancellationToken);

    public Task WriteTokenRoleAsync(string name, TokenRoleSettings role, CancellationToken cancellationToken) =>
        SendAsync(
            Post(TokenRolePathPrefix + name)
                .With("allowed_policies", role.AllowedPolicies)
                .With("orphan", role.Orphan)
                .With("renewable", role.Renewable)
                .With("token_type", role.TokenType),
            cancellationToken);

    public async Task<OperationToken> CreateBatchTokenAsync(string role, VaultDuration ttl, CancellationToken cancellationToken) =>
        ResponseParsers.BatchToken(await SendAsync(Post(TokenCreatePathPrefix + role).With("ttl", ttl.ToVaultString()), cancellationToken).ConfigureAwait(false));

    public async Task<IReadOnlyDictionary<string, object?>> ReadSecretAsync(string path, CancellationToken cancellationToken) =>
        (await SendAsync(Get(SecretPathPrefix + path), cancellationToken).ConfigureAwait(false)).RequireData().ToDictionary();

    public Task WriteSecretAsync(string path, IReadOnlyDictionary<string, string> data, CancellationToken cancellationToken)
    {
        var request = new VaultRequest(HttpMethod.Put, SecretPathPrefix + path);
        foreach (var (key, value) in data)
        {
            request.With(key, value);
        }

        return SendAsync(request, cancellationToken);
    }

    private static VaultRequest Get(string path) => new(HttpMethod.Get, path);

    private static VaultRequest Post(string path) => new(HttpMethod.Post, path);

    private static VaultRequest WithReindexOptions(VaultRequest request, ReindexOptions options) =>
        request.With("diff", options.Diff ? true : null).With("force", options.Force ? true : null).With("skip_flush", options.SkipFlush ? true : null);

    /// <summary>A status read; a listener that serves no replication status says so in one clear error.</summary>
    private async Task<VaultResponse> ReadStatusPathAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(Get(path), cancellationToken).ConfigureAwait(false);
        }
        catch (VaultApiException e)
        {
            throw VaultErrorMapping.ForStatusRead(e, Connection);
        }
    }

    private static VaultRequest WithTarget(VaultRequest request, PrimaryTarget target) =>
        request.With("primary_api_addr", target.PrimaryApiAddress).With("ca_file", target.CAFile).With("ca_path", target.CAPath);

    private Task<VaultResponse> SendAsync(VaultRequest request, CancellationToken cancellationToken) =>
        _client.SendAsync(request, _log, cancellationToken, _reads);
}
