using System.Management.Automation;
using System.Security;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>
/// A change on a DR secondary authorised by a DR operation token in the request body (promote, disable,
/// operation-token/delete). The token binds by property name, so a VaultDr.OperationToken pipes straight in.
/// </summary>
public abstract class VaultDrOperationTokenCmdlet : VaultDrChangeCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public SecureString DrOperationToken { get; set; } = new();

    /// <summary>A POST to <paramref name="path"/> carrying the token; an empty token ends the command before any request.</summary>
    internal VaultRequest OperationTokenRequest(string path)
    {
        Checked(() => ArgumentChecks.Secret(DrOperationToken, nameof(DrOperationToken)));
        return new VaultRequest(HttpMethod.Post, path).With("dr_operation_token", DrOperationToken);
    }
}
