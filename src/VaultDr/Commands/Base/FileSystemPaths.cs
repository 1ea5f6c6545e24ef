using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>PowerShell paths (relative to the current location, ~, a PSDrive) as file system paths, for the key file parameters.</summary>
internal static class FileSystemPaths
{
    /// <summary>The file system path of <paramref name="path"/>; a path PowerShell cannot resolve is a VaultDr error before any request.</summary>
    internal static string Resolve(PSCmdlet cmdlet, string path, string parameter)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new VaultDrArgumentException($"VaultDrInvalid{parameter}", $"-{parameter} must not be empty.");
        }

        try
        {
            return cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        }
        catch (Exception e) when (e is SessionStateException or PSArgumentException or NotSupportedException or ArgumentException or ProviderInvocationException)
        {
            throw new VaultDrArgumentException($"VaultDrInvalid{parameter}", $"-{parameter} '{path}' is not a usable file system path: {e.Message}", e);
        }
    }
}
