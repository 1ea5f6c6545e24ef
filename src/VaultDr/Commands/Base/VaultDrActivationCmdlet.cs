using System.Management.Automation;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>
/// Enable-VaultDrSecondary and Update-VaultDrPrimary: both make the secondary unwrap an activation token
/// at the primary, and both let the caller override where and how it reaches the primary.
/// </summary>
public abstract class VaultDrActivationCmdlet : VaultDrChangeCmdlet
{
    /// <summary>The primary's API address, overriding the one inside the activation token (e.g. behind a load balancer).</summary>
    [Parameter]
    public string? PrimaryApiAddress { get; set; }

    /// <summary>A CA file on the secondary's servers (not this machine) for the TLS connection to the primary.</summary>
    [Parameter]
    public string? CAFile { get; set; }

    /// <summary>A CA folder on the secondary's servers for the TLS connection to the primary.</summary>
    [Parameter]
    public string? CAPath { get; set; }

    protected override void BeginProcessing()
    {
        PrimaryApiAddress = Checked(() => ArgumentChecks.Url(PrimaryApiAddress, nameof(PrimaryApiAddress)));
        CAFile = CAFile is null ? null : Checked(() => ArgumentChecks.Text(CAFile, nameof(CAFile)));
        CAPath = CAPath is null ? null : Checked(() => ArgumentChecks.Text(CAPath, nameof(CAPath)));
    }

    /// <summary>primary_api_addr, ca_file and ca_path, where given.</summary>
    internal PrimaryTarget Target => new(PrimaryApiAddress, CAFile, CAPath);
}
