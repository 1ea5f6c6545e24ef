using System.Management.Automation;
using System.Security;

namespace VaultDr.Commands;

/// <summary>A maintenance read that a DR secondary answers only with a DR operation token (see <see cref="DrSecondaryAccess"/>).</summary>
public abstract class VaultDrMaintenanceReadCmdlet : VaultDrConnectedCmdlet
{
    /// <summary>Only on a DR secondary; binds by property name, so an OperationToken (or a batch token) pipes straight in.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [OperationTokenTransformation]
    [ValidateNotNull]
    public SecureString? DrOperationToken { get; set; }

    internal override RoleRequirement Requires => DrSecondaryAccess.For(DrOperationToken);

    /// <summary>The DR operation token when given (then the call is a DR secondary's), checked before any request.</summary>
    internal SecureString? CheckedOperationToken() => Checked(() => DrSecondaryAccess.Checked(DrOperationToken));
}
