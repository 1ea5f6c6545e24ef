using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace VaultDr.Loading;

/// <summary>
/// Microsoft's pattern for binary-module dependency conflicts: VaultDr.dll (the cmdlets, loaded by
/// PowerShell into the default context) references VaultDr.Http, which is not beside it but in
/// dependencies/. The default context cannot find it and raises Resolving; we answer with the copy in
/// <see cref="VaultDrLoadContext"/>, where VaultDr.Http's own reference to RestSharp resolves to our
/// RestSharp. The default context is only ever asked for "VaultDr.Http", a name no other module uses,
/// so a RestSharp of any version that another module loaded, before or after us, never meets ours.
/// </summary>
public sealed class DependencyLoader : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string TransportAssembly = "VaultDr.Http";

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
        if (!string.Equals(assemblyName.Name, TransportAssembly, StringComparison.Ordinal)
            || !File.Exists(Path.Combine(DependencyFolder, TransportAssembly + ".dll")))
        {
            return null;
        }

        return Context.Value.LoadFromAssemblyName(assemblyName);
    }
}
