using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>
/// Changes a lab cluster the way a bad day would: seals or unseals it, adds latency to every request, corrupts its
/// merkle trees, switches its replication status endpoints off, or breaks its replication stream. It also upgrades (or
/// downgrades) the Vault version a cluster runs, reloads Vault 2.x's enable_unauthenticated_access, renews (or lets
/// lapse) its API certificate, and sets its clock off the machine's.
/// </summary>
[Cmdlet(VerbsCommon.Set, "VaultDrLabCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
public sealed class SetVaultDrLabClusterCommand : VaultDrLabCmdlet
{
    private const string NoCorruption = "None";

    /// <summary>How far a lab cluster's clock may be set from the machine's (the lab's limit).</summary>
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromDays(365);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [LabClusterTransformation]
    [ArgumentCompleter(typeof(LabClusterCompleter))]
    public LabCluster[] Cluster { get; set; } = Array.Empty<LabCluster>();

    /// <summary>$true seals the cluster (503 "Vault is sealed"); $false unseals it with its own keys.</summary>
    [Parameter]
    public bool Sealed { get; set; }

    [Parameter]
    [ValidateRange(0, 600000)]
    public int LatencyMs { get; set; }

    /// <summary>Merkle trees to corrupt (Replicated, Local, Root); None repairs them all, as if never corrupt.</summary>
    [Parameter]
    [ValidateSet("Replicated", "Local", "Root", NoCorruption)]
    public string[] CorruptMerkleTree { get; set; } = Array.Empty<string>();

    /// <summary>$true sets the listener's disable_replication_status_endpoints: the three status paths answer 404.</summary>
    [Parameter]
    public bool StatusEndpointsDisabled { get; set; }

    /// <summary>Replication stops syncing until Vault's sys/replication/recover (or its DR secondary form).</summary>
    [Parameter]
    public SwitchParameter BreakReplication { get; set; }

    /// <summary>The Vault version the cluster runs from now on (sys/health reports it), e.g. 1.17.3 or 2.0.</summary>
    [Parameter]
    [ValidatePattern(@"^\d+\.\d+(\.\d+)?$")]
    [ArgumentCompleter(typeof(LabVaultVersionCompleter))]
    public string? VaultVersion { get; set; }

    /// <summary>
    /// Vault 2.x's enable_unauthenticated_access, reloaded as after a SIGHUP: the endpoint families that answer without a
    /// Vault token. generate-operation-token opens the DR operation token ceremony; an empty list clears it.
    /// </summary>
    [Parameter]
    [AllowEmptyCollection]
    [ValidateSet("generate-operation-token", "generate-root", "rekey")]
    public string[]? EnableUnauthenticatedAccess { get; set; }

    /// <summary>
    /// A new API listener certificate (from the lab's CA) expiring this many days from now; zero or less gives an expired
    /// one. New TLS connections get it, as after an operator's renewal (or a lapse). Needs a lab started with -Tls.
    /// </summary>
    [Parameter]
    [ValidateRange(-3650, 3650)]
    public int CertificateValidDays { get; set; }

    /// <summary>The cluster's clock runs this far ahead of the machine's (negative: behind); 0 resets it.</summary>
    [Parameter]
    public TimeSpan ClockSkew { get; set; }

    protected override void ProcessRecord()
    {
        var bound = MyInvocation.BoundParameters;
        var seal = bound.ContainsKey(nameof(Sealed));
        var latency = bound.ContainsKey(nameof(LatencyMs));
        var corrupt = CorruptMerkleTree.Length > 0;
        var statusEndpoints = bound.ContainsKey(nameof(StatusEndpointsDisabled));
        var unauthenticated = EnableUnauthenticatedAccess?.Distinct(StringComparer.OrdinalIgnoreCase).Select(f => f.ToLowerInvariant()).ToArray();
        var certificate = bound.ContainsKey(nameof(CertificateValidDays));
        var clock = bound.ContainsKey(nameof(ClockSkew));
        if (!seal && !latency && !corrupt && !statusEndpoints && !BreakReplication.IsPresent && VaultVersion is null && unauthenticated is null && !certificate && !clock)
        {
            ThrowFailure(
                new VaultDrArgumentException(
                    "VaultDrNothingToSet",
                    "Give -Sealed, -LatencyMs, -CorruptMerkleTree, -StatusEndpointsDisabled, -BreakReplication, -VaultVersion, -EnableUnauthenticatedAccess, -CertificateValidDays and/or -ClockSkew."),
                null);
        }

        if (clock && ClockSkew.Duration() > MaxClockSkew)
        {
            ThrowFailure(new VaultDrArgumentException("VaultDrInvalidClockSkew", $"-ClockSkew {ClockSkew} is more than a year off: give at most 365 days ahead or behind (0 resets the clock)."), ClockSkew);
        }

        if (certificate && Cluster.FirstOrDefault(c => c.CACertificateFile is null) is { } plain)
        {
            ThrowFailure(
                new VaultDrOperationException(
                    "VaultDrLabWithoutTls",
                    $"{plain.Name} serves plain HTTP: its lab was started without -Tls, so it has no certificate to renew or let lapse. Start a lab with Start-VaultDrLab -Tls to rehearse certificate expiry."),
                plain);
        }

        var repair = CorruptMerkleTree.Contains(NoCorruption, StringComparer.OrdinalIgnoreCase);
        if (repair && CorruptMerkleTree.Length > 1)
        {
            ThrowFailure(new VaultDrArgumentException("VaultDrInvalidMerkleTree", "-CorruptMerkleTree None repairs every tree: give it alone, not with Replicated, Local or Root."), CorruptMerkleTree);
        }

        foreach (var cluster in Cluster)
        {
            if (seal && Confirmations.ShouldChange(cluster.ToString(), Sealed ? "Seal the lab cluster" : "Unseal the lab cluster"))
            {
                Control(cluster.Lab, (control, cancellationToken) => Sealed ? control.SealAsync(cluster, cancellationToken) : control.UnsealAsync(cluster, cancellationToken));
            }

            if (latency && Confirmations.ShouldChange(cluster.ToString(), $"Add {LatencyMs} ms of latency to every request"))
            {
                Control(cluster.Lab, (control, cancellationToken) => control.SetLatencyAsync(cluster, LatencyMs, cancellationToken));
            }

            if (repair && Confirmations.ShouldChange(cluster.ToString(), "Repair every merkle tree"))
            {
                Control(cluster.Lab, (control, cancellationToken) => control.RepairMerkleTreesAsync(cluster, cancellationToken));
            }

            foreach (var tree in repair ? [] : CorruptMerkleTree.Select(t => t.ToLowerInvariant()).Distinct())
            {
                if (Confirmations.ShouldChange(cluster.ToString(), $"Corrupt the {tree} merkle tree"))
                {
                    Control(cluster.Lab, (control, cancellationToken) => control.CorruptMerkleTreeAsync(cluster, tree, cancellationToken));
                }
            }

            var endpoints = StatusEndpointsDisabled ? "Disable the replication status endpoints (they answer 404 'disabled path')" : "Enable the replication status endpoints";
            if (statusEndpoints && Confirmations.ShouldChange(cluster.ToString(), endpoints))
            {
                Control(cluster.Lab, (control, cancellationToken) => control.SetStatusEndpointsDisabledAsync(cluster, StatusEndpointsDisabled, cancellationToken));
            }

            if (BreakReplication.IsPresent && Confirmations.ShouldChange(cluster.ToString(), "Break replication: it stops syncing until sys/replication/recover"))
            {
                Control(cluster.Lab, (control, cancellationToken) => control.BreakReplicationAsync(cluster, cancellationToken));
            }

            if (VaultVersion is not null && Confirmations.ShouldChange(cluster.ToString(), $"Run Vault {VaultVersion}"))
            {
                Control(cluster.Lab, (control, cancellationToken) => control.SetVaultVersionAsync(cluster, VaultVersion, cancellationToken));
            }

            var access = unauthenticated is { Length: > 0 } ? $"Reload enable_unauthenticated_access = [{string.Join(", ", unauthenticated)}]" : "Reload enable_unauthenticated_access = [] (cleared)";
            if (unauthenticated is not null && Confirmations.ShouldChange(cluster.ToString(), access))
            {
                Control(cluster.Lab, (control, cancellationToken) => control.SetUnauthenticatedAccessAsync(cluster, unauthenticated, cancellationToken));
            }

            var expiry = CertificateValidDays > 0 ? $"expiring in {CertificateValidDays} day(s)" : $"that has already expired ({-CertificateValidDays} day(s) ago)";
            if (certificate && Confirmations.ShouldChange(cluster.ToString(), $"Serve a new API certificate {expiry}"))
            {
                Control(cluster.Lab, (control, cancellationToken) => control.ReissueCertificateAsync(cluster, CertificateValidDays, cancellationToken));
            }

            var skew = ClockSkew == TimeSpan.Zero ? "Reset the cluster's clock to the machine's" : $"Run the cluster's clock {ClockSkew.Duration()} {(ClockSkew > TimeSpan.Zero ? "ahead of" : "behind")} the machine's";
            if (clock && Confirmations.ShouldChange(cluster.ToString(), skew))
            {
                Control(cluster.Lab, (control, cancellationToken) => control.SetClockSkewAsync(cluster, ClockSkew, cancellationToken));
            }
        }
    }
}
