using System.Management.Automation;
using System.Security;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>Lets -Ttl take a TimeSpan, a number of seconds, or a Vault duration string ("30m", "1h30m").</summary>
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
                int seconds => new VaultDuration(seconds),
                long seconds when seconds is > 0 and <= int.MaxValue => new VaultDuration((int)seconds),
                string text => new VaultDuration(text),
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
