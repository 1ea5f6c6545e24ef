using System.Management.Automation;
using System.Security;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>
/// Lets -Ttl take a TimeSpan, a number of seconds, or a Vault duration string ("30m", "1h30m"). A bare number means
/// seconds, as in Vault, whatever numeric type PowerShell gave it (it reads 90s as a short); a fractional number gets a
/// hint, since PowerShell reads 1d as the decimal 1, not as one day.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class VaultDurationTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        try
        {
            return value switch
            {
                VaultDuration duration => duration,
                TimeSpan span => new VaultDuration(span),
                string text => new VaultDuration(text),
                byte or sbyte or short or ushort or int or uint or long or ulong or System.Numerics.BigInteger =>
                    new VaultDuration(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!),
                decimal or double or float => throw new ArgumentException(
                    $"PowerShell read this value as the number {Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)} (a {value.GetType().Name}), not as a duration: " +
                    "it reads 1d as the decimal 1. Quote the duration, as in -Ttl '1d' or -Ttl '90m', or give whole seconds."),
                _ => throw new ArgumentException($"A {value?.GetType().Name ?? "null"} is not a duration."),
            };
        }
        catch (ArgumentException e)
        {
            throw new ArgumentTransformationMetadataException(
                $"{e.Message} Give a TimeSpan, a number of seconds, or a Vault duration such as 30m or 1h30m.", e);
        }
    }
}

/// <summary>
/// Takes a connection, or anything that carries one in a Connection property (a LabCluster, say), wherever a
/// connection is asked for: <c>-Connection $lab</c>, <c>-Primary $lab</c>, as dbatools takes a server or its name.
/// A list is converted item by item.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class VaultDrConnectionTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is VaultDrConnection or VaultDrConnection[] or null or string)
        {
            return inputData;
        }

        if (value is System.Collections.IEnumerable items)
        {
            return items.Cast<object?>().Select(item => item is null ? null : ConnectionOf(item)).ToArray();
        }

        return ConnectionOf(inputData);
    }

    private static object ConnectionOf(object item)
    {
        var value = item is PSObject wrapped ? wrapped.BaseObject : item;
        return value switch
        {
            VaultDrConnection connection => connection,
            LabCluster cluster => cluster.Connection,
            _ => PSObject.AsPSObject(item).Properties["Connection"]?.Value is { } inner && (inner is PSObject p ? p.BaseObject : inner) is VaultDrConnection carried
                ? carried
                : item,
        };
    }
}

/// <summary>
/// A secret parameter given plain text: PowerShell's own error only says it cannot convert a string; this one says why
/// secrets are SecureString here and how to make one.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecretTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is string || (value is object[] items && items.Any(item => (item is PSObject p ? p.BaseObject : item) is string)))
        {
            throw new ArgumentTransformationMetadataException(
                "This parameter takes a SecureString, not plain text, so the secret stays out of your command history and " +
                "out of memory as a string. Use (Read-Host -AsSecureString), or ConvertTo-SecureString -String $text -AsPlainText -Force " +
                "for a value you already hold, or pipe in the object VaultDr gave you.");
        }

        return inputData;
    }
}

/// <summary>
/// A DR operation token parameter that also takes the object VaultDr made it in (an OperationToken from
/// New-VaultDrOperationToken or New-VaultDrBatchOperationToken) when it is passed rather than piped:
/// <c>-DrOperationToken $batch</c>. Plain text is refused as <see cref="SecretTransformationAttribute"/> refuses it.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class OperationTokenTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            OperationToken { DrOperationToken: { } token } => token,
            OperationToken => throw new ArgumentTransformationMetadataException(
                "This OperationToken holds only an encoded token: decode it first (Unprotect-VaultDrOperationToken, or New-VaultDrOperationToken without -PgpKeyPath)."),
            _ => new SecretTransformationAttribute().Transform(engineIntrinsics, inputData),
        };
    }
}

/// <summary>
/// Accepts plain text for a value that is not secret on its own (an OTP-encoded token), so it can be
/// pasted from Vault's output; SecureString passes through.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class EncodedTextTransformationAttribute : ArgumentTransformationAttribute
{
    private const int MaxEncodedLength = 65536;

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            SecureString secure => secure,
            // A SecureString holds at most 65536 characters; say so instead of "Capacity exceeds maximum capacity".
            string { Length: > MaxEncodedLength } text => throw new ArgumentTransformationMetadataException(
                $"An encoded token is a few dozen characters; this one has {text.Length}. Check that the right value was pasted."),
            string text => SecretText.Protect(text),
            _ => throw new ArgumentTransformationMetadataException($"Expected a string or SecureString, not a {value?.GetType().Name ?? "null"}."),
        };
    }
}

/// <summary>Takes a lab cluster by name (as Tab completes it) as well as the LabCluster object; names are this session's.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class LabClusterTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            string name => Find(name),
            object[] items => items.Select(item => (item is PSObject p ? p.BaseObject : item) is string name ? Find(name) : item).ToArray(),
            _ => inputData,
        };
    }

    private static LabCluster Find(string name) =>
        LabControl.LabRegistry.Mine().SelectMany(lab => lab.Clusters).FirstOrDefault(cluster => string.Equals(cluster.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentTransformationMetadataException($"This session has no lab cluster named '{name}'. Get-VaultDrLab lists the labs it started; Tab completes the names.");
}

/// <summary>Takes a lab by its process id (as Tab completes it) as well as the VaultDrLab object; the labs are this session's.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class LabTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            int or long or string => Find(value),
            object[] items => items.Select(item => (item is PSObject p ? p.BaseObject : item) is int or long or string ? Find(item is PSObject q ? q.BaseObject : item) : item).ToArray(),
            _ => inputData,
        };
    }

    private static VaultDrLab Find(object id)
    {
        var text = Convert.ToString(id, System.Globalization.CultureInfo.InvariantCulture);
        return LabControl.LabRegistry.Mine().FirstOrDefault(lab => lab.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) == text)
            ?? throw new ArgumentTransformationMetadataException($"This session has no lab with process id '{text}'. Get-VaultDrLab lists the labs it started; Tab completes their ids.");
    }
}
