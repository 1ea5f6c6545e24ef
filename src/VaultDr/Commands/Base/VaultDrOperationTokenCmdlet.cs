using System.Management.Automation;
using System.Security;

namespace VaultDr.Commands;

/// <summary>
/// A change on a DR secondary authorised by a DR operation token in the request body (promote, disable,
/// operation-token/delete). The token binds by property name, so a VaultDr.OperationToken pipes straight in.
/// </summary>
public abstract class VaultDrOperationTokenCmdlet : VaultDrChangeCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [OperationTokenTransformation]
    public SecureString DrOperationToken { get; set; } = new();

    /// <summary>The token, checked: an empty one ends the command before any request.</summary>
    internal SecureString CheckedOperationToken() => Checked(() => ArgumentChecks.Secret(DrOperationToken, nameof(DrOperationToken)));
}
