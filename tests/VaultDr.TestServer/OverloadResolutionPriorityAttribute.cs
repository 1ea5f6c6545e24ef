namespace System.Runtime.CompilerServices;

// The C# compiler honours this attribute by name; .NET 8 does not ship it. It lets C# callers pass a
// Dictionary<string, string> to StubVaultServer.Respond without an ambiguity with the IDictionary
// overload that PowerShell hashtables need.
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, Inherited = false)]
internal sealed class OverloadResolutionPriorityAttribute(int priority) : Attribute
{
    public int Priority { get; } = priority;
}
