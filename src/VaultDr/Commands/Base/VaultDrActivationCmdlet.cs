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
    public virtual string? PrimaryApiAddress { get; set; }

    /// <summary>A CA file on the secondary's servers (not this machine) for the TLS connection to the primary.</summary>
    [Parameter]
    public virtual string? CAFile { get; set; }

    /// <summary>A CA folder on the secondary's servers for the TLS connection to the primary.</summary>
    [Parameter]
    public virtual string? CAPath { get; set; }

    protected override void BeginProcessing()
    {
        PrimaryApiAddress = Checked(() => ArgumentChecks.Url(PrimaryApiAddress, nameof(PrimaryApiAddress)));
        CAFile = CAFile is null ? null : Checked(() => ArgumentChecks.Text(CAFile, nameof(CAFile)));
        CAPath = CAPath is null ? null : Checked(() => ArgumentChecks.Text(CAPath, nameof(CAPath)));
    }

    /// <summary>
    /// Vault's words about a bad activation token, said plainly: a token that was used, expired or revoked, or one
    /// this cluster cannot open. Either way the next step is a new token from the primary.
    /// </summary>
    internal override VaultDrException Explain(VaultApiException refusal, VaultDrConnection connection)
    {
        var said = string.Join(" ", refusal.Errors);
        if (said.Contains("wrapping token is not valid or does not exist", StringComparison.OrdinalIgnoreCase))
        {
            return new VaultDrOperationException(
                "VaultDrActivationTokenUsed",
                "The activation token was already used, or it expired or was revoked: each one works once, for its TTL. " +
                $"Ask the primary for a new one: New-VaultDrSecondaryToken -Connection <primary> -Id <id>. (Vault answered {refusal.StatusCode}: {said})",
                refusal);
        }

        if (said.Contains("no secondary public key has been generated", StringComparison.OrdinalIgnoreCase)
            || said.Contains("error decoding secondary activation token", StringComparison.OrdinalIgnoreCase))
        {
            return new VaultDrOperationException(
                "VaultDrInvalidActivationToken",
                $"{connection} could not read the activation token: it is not a wrapped activation token, or it was encrypted for another " +
                "cluster's public key. Ask the primary for a new one with New-VaultDrSecondaryToken (with -SecondaryPublicKey from this " +
                $"cluster's New-VaultDrSecondaryPublicKey, if you use encrypted tokens). (Vault answered {refusal.StatusCode}: {said})",
                refusal);
        }

        return base.Explain(refusal, connection);
    }

    /// <summary>primary_api_addr, ca_file and ca_path, where given.</summary>
    internal PrimaryTarget Target => new(PrimaryApiAddress, CAFile, CAPath);
}
