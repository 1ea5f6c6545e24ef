using System.Reflection;
using System.Runtime.Loader;

namespace VaultDr.Loading;

/// <summary>
/// VaultDr's private load context: VaultDr.Http and RestSharp, VaultDr.OpenPgp and BouncyCastle, from the module's dependencies/ folder.
/// Whatever is not there (the .NET libraries, System.Management.Automation) comes from the default
/// context as usual.
/// </summary>
internal sealed class VaultDrLoadContext : AssemblyLoadContext
{
    private readonly string _dependencyFolder;

    internal VaultDrLoadContext(string dependencyFolder)
        : base("VaultDr", isCollectible: false)
    {
        _dependencyFolder = dependencyFolder;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Ours first, whatever the default context already holds: that is the point of this context.
        var path = Path.Combine(_dependencyFolder, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
