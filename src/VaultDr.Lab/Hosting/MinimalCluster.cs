using System.Security.Cryptography;

namespace VaultDr.Lab;

/// <summary>
/// A stand-in cluster for the hosting branch: an initialised, unsealed Vault with DR replication disabled.
/// GET /v1/sys/health and GET /v1/sys/replication/dr/status answer; everything else is 404 <c>{"errors":[]}</c>.
/// Replaced by Cluster/LabCluster at merge (see <see cref="ClusterFactory"/>).
/// </summary>
public sealed class MinimalCluster : ILabClusterNode
{
    private volatile bool sealedState;

    public MinimalCluster(string name, LabOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        RootToken = "hvs." + RandomBase62(24);
        var keys = Enumerable.Range(0, options.KeyShares).Select(_ => RandomNumberGenerator.GetBytes(33)).ToArray();
        UnsealKeysHex = keys.Select(k => Convert.ToHexStringLower(k)).ToArray();
        UnsealKeysBase64 = keys.Select(Convert.ToBase64String).ToArray();
    }

    public string Name { get; }

    public Uri ApiAddress { get; set; } = new("http://127.0.0.1:0/");

    public Uri ClusterAddress { get; set; } = new("http://127.0.0.1:0/");

    public bool Running { get; set; }

    public string RootToken { get; }

    public IReadOnlyList<string> UnsealKeysHex { get; }

    public IReadOnlyList<string> UnsealKeysBase64 { get; }

    public bool Sealed => sealedState;

    public void Seal() => sealedState = true;

    public void Unseal() => sealedState = false;

    public Task<LabResponse> HandleApiAsync(LabRequest r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.Method == "GET" && r.Path == "/v1/sys/health")
        {
            return Task.FromResult(new LabResponse(Sealed ? 503 : 200, LabResponse.Ok(new { initialized = true, @sealed = Sealed, standby = false, cluster_name = Name }).Json));
        }

        if (r.Method == "GET" && r.Path == "/v1/sys/replication/dr/status")
        {
            return Task.FromResult(LabResponse.Ok(new { data = new { mode = "disabled" } }));
        }

        return Task.FromResult(LabResponse.Error(404));
    }

    public Task<LabResponse> HandleClusterAsync(LabRequest r, CancellationToken ct) => Task.FromResult(LabResponse.Error(404));

    public void StartBackground()
    {
    }

    public object Describe() => new MinimalClusterDescription(Name, "disabled");

    public void Dispose()
    {
    }

    private static string RandomBase62(int length)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        return RandomNumberGenerator.GetString(alphabet, length);
    }
}

public sealed record MinimalClusterDescription(string Name, string Mode);
