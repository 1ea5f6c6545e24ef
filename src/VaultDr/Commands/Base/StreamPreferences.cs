using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>
/// What the caller asked of a cmdlet's streams: the common parameter when bound (-Verbose, -Debug, -ErrorAction,
/// -WarningAction), else the preference variable in the caller's scope.
/// </summary>
internal sealed class StreamPreferences
{
    private readonly PSCmdlet _cmdlet;

    internal StreamPreferences(PSCmdlet cmdlet) => _cmdlet = cmdlet;

    /// <summary>Whether WriteVerbose would show anything. When the preference cannot be read (a bare runspace), yes.</summary>
    internal bool VerboseWanted => Wanted("Verbose", "VerbosePreference");

    /// <summary>Whether WriteDebug would show anything. When the preference cannot be read (a bare runspace), yes.</summary>
    internal bool DebugWanted => Wanted("Debug", "DebugPreference");

    /// <summary>-ErrorAction (or $ErrorActionPreference) is SilentlyContinue or Ignore.</summary>
    internal bool ErrorsSilenced => Silenced("ErrorAction", "ErrorActionPreference");

    /// <summary>-WarningAction (or $WarningPreference) is SilentlyContinue or Ignore.</summary>
    internal bool WarningsSilenced => Silenced("WarningAction", "WarningPreference");

    private bool Wanted(string parameter, string preferenceVariable)
    {
        if (_cmdlet.MyInvocation?.BoundParameters is { } bound && bound.TryGetValue(parameter, out var switched))
        {
            return switched is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(switched);
        }

        if (!TryReadPreference(preferenceVariable, out var preference))
        {
            return true;
        }

        return preference is not ActionPreference.SilentlyContinue and not ActionPreference.Ignore;
    }

    private bool Silenced(string parameter, string preferenceVariable)
    {
        var value = _cmdlet.MyInvocation?.BoundParameters is { } bound && bound.TryGetValue(parameter, out var given)
            ? given
            : TryReadPreference(preferenceVariable, out var preference) ? preference : null;
        return (value is PSObject wrapped ? wrapped.BaseObject : value) is ActionPreference.SilentlyContinue or ActionPreference.Ignore;
    }

    private bool TryReadPreference(string variable, out object? value)
    {
        try
        {
            value = _cmdlet.GetVariableValue(variable);
            return true;
        }
        catch (Exception e) when (e is PSInvalidOperationException or NullReferenceException)
        {
            value = null;
            return false;
        }
    }
}
