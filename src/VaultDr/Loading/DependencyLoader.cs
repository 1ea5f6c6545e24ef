using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace VaultDr.Loading;

/// <summary>
/// Microsoft's pattern for binary-module dependency conflicts: VaultDr.dll (the cmdlets, loaded by
/// PowerShell into the default context) references VaultDr.Http and VaultDr.OpenPgp, which are not beside it but in
/// dependencies/. The default context cannot find them and raises Resolving; we answer with the copies in
/// <see cref="VaultDrLoadContext"/>, where their own references resolve to our RestSharp and our BouncyCastle.
/// The default context is only ever asked for "VaultDr.Http" and "VaultDr.OpenPgp", names no other module uses,
/// so a RestSharp or BouncyCastle of any version that another module loaded, before or after us, never meets ours.
/// </summary>
public sealed class DependencyLoader : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    // VaultDr's own assemblies in dependencies/: the only names this handler answers for.
    private static readonly string[] BridgeAssemblies = ["VaultDr.Http", "VaultDr.OpenPgp"];

    private static readonly object Gate = new();
    private static readonly string DependencyFolder =
        Path.Combine(Path.GetDirectoryName(typeof(DependencyLoader).Assembly.Location) ?? string.Empty, "dependencies");

    private static readonly Lazy<VaultDrLoadContext> Context = new(() => new VaultDrLoadContext(DependencyFolder));

    // Each runspace that imports VaultDr counts once; the handler goes when the last one removes it.
    private static int ImportCount;

    public void OnImport()
    {
        lock (Gate)
        {
            if (ImportCount++ == 0)
            {
                AssemblyLoadContext.Default.Resolving += Resolve;
            }
        }
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        lock (Gate)
        {
            if (ImportCount > 0 && --ImportCount == 0)
            {
                AssemblyLoadContext.Default.Resolving -= Resolve;
            }
        }
    }

    private static Assembly? Resolve(AssemblyLoadContext defaultContext, AssemblyName assemblyName)
    {
        if (assemblyName.Name is not { } name || !BridgeAssemblies.Contains(name, StringComparer.Ordinal)
            || !File.Exists(Path.Combine(DependencyFolder, name + ".dll")))
        {
            return null;
        }

        return Context.Value.LoadFromAssemblyName(assemblyName);
    }
}
