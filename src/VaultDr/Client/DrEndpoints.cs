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

    /// <summary>Named in the batch DR operation token's policy (Raft clusters read autopilot state when promoting).</summary>
    internal const string AutopilotStatePath = "sys/storage/raft/autopilot/state";
    private const string OperationTokenAttemptPath = "sys/replication/dr/secondary/generate-operation-token/attempt";
    private const string OperationTokenUpdatePath = "sys/replication/dr/secondary/generate-operation-token/update";
    private const string OperationTokenDeletePath = "sys/replication/dr/secondary/operation-token/delete";
    private const string HealthPath = "sys/health";
    private const string PolicyPathPrefix = "sys/policies/acl/";
    private const string TokenRolePathPrefix = "auth/token/roles/";
    private const string TokenCreatePathPrefix = "auth/token/create/";
    private const string SecretPathPrefix = "secret/";

    /// <summary>Every fixed path above (for completion of the lab's fault paths).</summary>
    internal static readonly IReadOnlyList<string> Paths =
    [
        StatusPath, PrimaryEnablePath, PrimaryDemotePath, PrimaryDisablePath, SecondaryTokenPath, RevokeSecondaryPath, GeneratePublicKeyPath,
        SecondaryEnablePath, PromotePath, SecondaryDisablePath, UpdatePrimaryPath, OperationTokenAttemptPath, OperationTokenUpdatePath,
        OperationTokenDeletePath, HealthPath,
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
        ResponseParsers.Status(await SendAsync(Get(StatusPath), cancellationToken).ConfigureAwait(false));

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

    private static VaultRequest WithTarget(VaultRequest request, PrimaryTarget target) =>
        request.With("primary_api_addr", target.PrimaryApiAddress).With("ca_file", target.CAFile).With("ca_path", target.CAPath);

    private Task<VaultResponse> SendAsync(VaultRequest request, CancellationToken cancellationToken) =>
        _client.SendAsync(request, _log, cancellationToken, _reads);
}
